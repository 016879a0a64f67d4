/**
 * One job of a batch, from wherever the journal left it: upload its local files (once per file and
 * run, or an earlier run's upload while kie.ai keeps it), take a create slot, journal `creating`,
 * create, journal `created`, wait on the shared poll scheduler, download, journal `downloaded`.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CreateOutcomeUnknownError, type Task, TaskFailedError } from '@kling-kit/client';
import { reportError } from '../command';
import { DownloadError } from '../errors';
import type { JobRef } from '../events';
import { EXIT_CODES } from '../exit-codes';
import { explain } from '../explain';
import type { Output } from '../io';
import { type LocalFile, uploadLocalFile } from '../local-files';
import type { Session } from '../session';
import { downloadResults, type FollowOptions, resumeCommand, waitFor } from '../task-flow';
import type { BatchView } from './batch-view';
import type { CreateLimiter } from './create-limiter';
import type { Job } from './jobs';
import type { Journal, UploadRecord } from './journal';
import type { Plan, Result } from './plan';

/** How long an earlier run's upload is reused (kie.ai keeps uploads 3 days). */
const UPLOAD_REUSE_MS = 2 * 86_400_000;

/** What every job of a run shares. */
export interface BatchRun {
  session: Session;
  out: Output;
  journal: Journal;
  view: BatchView;
  limiter: CreateLimiter;
  outDir: string;
  /** Stops everything (Ctrl-C): waits and downloads end, the jobs stay resumable. */
  stop: AbortSignal;
  /** Stops new creates only. */
  creates: AbortSignal;
  /** Aborts creates in flight too (a second Ctrl-C). */
  quit: AbortSignal;
  /** Earlier runs' uploads (none in `--mock` mode). */
  earlierUploads: readonly UploadRecord[];
  /** Uploads of this run, by file. */
  uploads: Map<string, Promise<string>>;
  /** kie.ai refused the key or the account (exit 3): no more creates. */
  refused(exitCode: number): void;
  /** A task was created by this run. */
  created(credits: number): void;
}

export const jobRef = (job: Job): JobRef => ({
  job: job.line,
  ...(job.id !== undefined ? { id: job.id } : {}),
});

const isAbort = (error: unknown) =>
  (error as { name?: string }).name === 'AbortError' ||
  (error as { name?: string }).name === 'KlingAbortError';

/** A file as it is now: an upload of it is reusable while path, size and modification time are the same. */
const fileKey = (file: Pick<LocalFile, 'path' | 'size' | 'mtimeMs'>) =>
  `${file.path}|${file.size}|${file.mtimeMs}`;

/** The URL of a local file: uploaded once per run, or an earlier run's upload of the unchanged file. */
function uploadOnce(run: BatchRun, job: Job, file: LocalFile): Promise<string> {
  const key = fileKey(file);
  let url = run.uploads.get(key);
  if (!url) {
    const earlier = run.earlierUploads.find(
      (upload) => fileKey(upload) === key && Date.now() - upload.t < UPLOAD_REUSE_MS,
    );
    url = earlier
      ? Promise.resolve(earlier.url)
      : uploadLocalFile(run.session.uploads, file, run.stop).then((uploaded) => {
          run.journal.append({
            event: 'uploaded',
            job: job.key,
            line: job.line,
            path: file.path,
            size: file.size,
            mtimeMs: file.mtimeMs,
            url: uploaded,
          });
          return uploaded;
        });
    run.uploads.set(key, url);
    url.catch(() => run.uploads.delete(key));
  }
  return url;
}

/** Creates the job's task; resolves with its handle, or with the job's result when it was not created. */
async function create(
  run: BatchRun,
  job: Job,
  progress: ReturnType<BatchView['job']>,
): Promise<{ taskId: string; createdAt: number } | Result> {
  const { session, out, journal, limiter } = run;
  const ref = jobRef(job);
  const base = { job: job.key, line: job.line };
  progress.phase('uploading');
  for (const file of job.files) {
    const url = await uploadOnce(run, job, file);
    for (const slot of file.slots) {
      slot.set(url);
      out.event({ event: 'uploaded', input: slot.label, path: file.path, bytes: file.size, url, ...ref });
    }
  }
  progress.phase('waiting for a create slot');
  const slot = await limiter.acquire(run.creates);
  if (run.creates.aborted) {
    limiter.cancel(slot);
    return { outcome: 'pending' };
  }
  // Written through to the disk before the request leaves: a crash from here on is an "unknown" job.
  journal.append({ event: 'creating', ...base, model: job.request.model, credits: job.credits }, true);
  progress.phase('creating');
  try {
    const handle = await session.client.createTask(job.request as never, { signal: run.quit });
    limiter.done(slot);
    journal.append({ event: 'created', ...base, taskId: handle.taskId, model: job.request.model }, true);
    run.created(job.credits);
    return { taskId: handle.taskId, createdAt: handle.createdAt };
  } catch (error) {
    limiter.done(slot);
    const explained = explain(error);
    if (error instanceof CreateOutcomeUnknownError || run.quit.aborted) {
      journal.append({ event: 'create-unknown', ...base, message: explained.message }, true);
      reportError(out, error, {}, ref);
      return { outcome: 'unknown', reason: explained.message, exitCode: EXIT_CODES.createUnknown };
    }
    journal.append(
      { event: 'create-rejected', ...base, code: explained.code, message: explained.message },
      true,
    );
    if (explained.exitCode === EXIT_CODES.account) {
      // A key or an account kie.ai refuses refuses every create: no more are sent.
      run.refused(explained.exitCode);
    }
    const exitCode = reportError(out, error, { baseUrl: session.baseUrl, needed: job.credits }, ref);
    return { outcome: 'failed', reason: explained.message, exitCode };
  }
}

/** Runs one job to its end (or to where a stop leaves it); never throws. */
export async function runJob(run: BatchRun, plan: Plan): Promise<Result> {
  const { job } = plan;
  const { session, out, journal } = run;
  const ref = jobRef(job);
  const base = { job: job.key, line: job.line };
  const progress = run.view.job(job.line, `line ${job.line}${job.id !== undefined ? ` ${job.id}` : ''}`);
  let taskId = plan.record.taskId;
  let path: string | undefined;
  try {
    let createdAt = plan.record.createdAt ?? Date.now();
    if (plan.action === 'create') {
      const created = await create(run, job, progress);
      if ('outcome' in created) {
        return created;
      }
      ({ taskId, createdAt } = created);
    }
    const id = taskId as string;
    path = resolve(run.outDir, job.out ?? `${id}.mp4`);
    const follow: FollowOptions = {
      session,
      view: progress,
      task: { taskId: id, model: plan.record.model ?? job.request.model, createdAt },
      path,
      signal: run.stop,
      facts: job.facts,
      input: job.request.input,
      job: ref,
      onState: (task) => journal.append({ event: 'state', ...base, taskId: id, state: task.state }),
    };
    if (plan.action === 'create') {
      const resume = resumeCommand(session, id, path);
      out.event({
        event: 'created',
        taskId: id,
        model: job.request.model,
        credits: job.credits,
        resume,
        ...ref,
      });
    }
    let task: Pick<Task, 'taskId' | 'resultUrls'>;
    if (plan.action === 'create' || plan.action === 'wait') {
      progress.phase('waiting');
      task = await waitFor(follow);
      journal.append({ event: 'succeeded', ...base, taskId: id, resultUrls: task.resultUrls });
    } else {
      task = plan.record.resultUrls?.length
        ? { taskId: id, resultUrls: plan.record.resultUrls }
        : await session.client.getTask(id, { signal: run.stop });
    }
    progress.phase('downloading');
    const paths = await downloadResults(follow, task as Task);
    const bytes = paths.reduce((sum, saved) => sum + statSync(saved).size, 0);
    journal.append({ event: 'downloaded', ...base, taskId: id, paths, bytes });
    out.event({ event: 'done', taskId: id, paths, ...ref });
    return { outcome: 'done', taskId: id, paths };
  } catch (error) {
    if ((run.stop.aborted || run.creates.aborted) && isAbort(error)) {
      return { outcome: 'pending', taskId };
    }
    if (error instanceof TaskFailedError) {
      journal.append({
        event: 'failed',
        ...base,
        taskId: error.taskId,
        failCode: error.failCode,
        failMsg: error.failMsg,
      });
    } else if (error instanceof DownloadError && taskId) {
      journal.append({ event: 'download-failed', ...base, taskId, message: error.message });
    }
    const resume = taskId && path ? resumeCommand(session, taskId, path) : undefined;
    const exitCode = reportError(out, error, { taskId, resume, baseUrl: session.baseUrl }, ref);
    return { outcome: 'failed', taskId, reason: explain(error).message, exitCode };
  } finally {
    progress.end();
  }
}
