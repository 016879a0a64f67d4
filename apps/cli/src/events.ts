/**
 * The NDJSON events `kling` prints with `--json` (or whenever stdout is not a terminal), one JSON
 * object per line, each with `event` and `time` (ISO 8601) first. In `batch`, every event of a job
 * carries `job` (its line in the jobs file) and the job's `id` when the line has one.
 */
import type { TaskState } from '@kling-kit/contract';

/** Where a batch event comes from. */
export interface JobRef {
  /** The job's line number in the jobs file (1-based). */
  job?: number;
  /** The `id` the line gave, if any. */
  id?: string;
}

/** A local file was uploaded (stream upload) and its URL stands in its place in the input. */
export interface UploadedEvent extends JobRef {
  event: 'uploaded';
  /** The input it was given for (`image_url`, `image_urls[0]`, …). */
  input: string;
  path: string;
  bytes: number;
  url: string;
}

/** The task exists: from here on it can be resumed with `resume`. */
export interface CreatedEvent extends JobRef {
  event: 'created';
  taskId: string;
  model: string;
  /** The catalog's estimate of the credits it costs on success (third-party prices); null when unknown. */
  credits: number | null;
  /** The command that resumes the wait (`kling wait <taskId> --out …`). */
  resume: string;
}

/** The task's state changed (`waiting`, `queuing`, `generating`, `success`, `fail`). */
export interface StateEvent extends JobRef {
  event: 'state';
  taskId: string;
  state: TaskState;
  /** Since the task was created. */
  elapsedMs: number;
}

/** A result file is on disk, complete and checked against its announced length. */
export interface DownloadedEvent extends JobRef {
  event: 'downloaded';
  taskId: string;
  path: string;
  bytes: number;
  /** How long the download took. */
  ms: number;
}

/** The command (or the job) finished successfully. */
export interface DoneEvent extends JobRef {
  event: 'done';
  taskId: string;
  paths: string[];
  /** A batch job finished in an earlier run (the journal says so). */
  skipped?: boolean;
}

/** The command (or the job) failed; `exitCode` is what the command exits with for it. */
export interface ErrorEvent extends JobRef {
  event: 'error';
  exitCode: number;
  /** kie.ai's code (401, 402, 422, …), or a word: `usage`, `network`, `task-failed`, `create-unknown`, … */
  code: number | string;
  message: string;
  /** What to do about it. */
  hint?: string;
  taskId?: string;
  /** The command that resumes, when the task exists. */
  resume?: string;
}

/** The end of a batch: what happened to every job. */
export interface SummaryEvent {
  event: 'summary';
  jobs: number;
  succeeded: number;
  failed: number;
  /** Jobs whose create outcome is unknown (not created again without `--retry-unknown`). */
  unknown: number;
  /** Jobs left for a later run (interrupted). */
  pending: number;
  /** Tasks created by this run. */
  created: number;
  /** Credits of the tasks this run created (catalog estimate, charged on success only). */
  credits: number;
  exitCode: number;
}

/** Any event `kling` prints. */
export type CliEvent =
  | UploadedEvent
  | CreatedEvent
  | StateEvent
  | DownloadedEvent
  | DoneEvent
  | ErrorEvent
  | SummaryEvent;
