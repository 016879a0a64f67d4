/** What a batch run does with each job, from what the journal says about it. */
import { existsSync } from 'node:fs';
import type { Job } from './jobs';
import type { JobRecord } from './journal';

/**
 * `create` a new job (or one retried); `wait` for a task created earlier; `download` a finished
 * task's result again; `skip` a job whose files are there; `hold` a job that failed or whose create
 * outcome is unknown (not created again without `--retry-failed` / `--retry-unknown`).
 */
export type Action = 'create' | 'wait' | 'download' | 'skip' | 'hold';

export interface Plan {
  job: Job;
  record: JobRecord;
  action: Action;
}

/** How a job ended in this run. */
export interface Result {
  outcome: 'done' | 'failed' | 'unknown' | 'pending';
  taskId?: string | undefined;
  paths?: string[];
  reason?: string;
  exitCode?: number;
  /** Done in an earlier run. */
  skipped?: boolean;
}

export interface RetryOptions {
  retryUnknown?: boolean | undefined;
  retryFailed?: boolean | undefined;
}

export function decide(record: JobRecord, options: RetryOptions): Action {
  switch (record.status) {
    case 'downloaded':
      return (record.paths ?? []).every((path) => existsSync(path)) ? 'skip' : 'download';
    case 'succeeded':
      return 'download';
    case 'created':
      return 'wait';
    case 'unknown':
      return options.retryUnknown ? 'create' : 'hold';
    case 'rejected':
    case 'failed':
      return options.retryFailed ? 'create' : 'hold';
    default:
      return 'create';
  }
}
