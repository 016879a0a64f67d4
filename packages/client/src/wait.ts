/**
 * Waiting for a task: one deadline for the whole wait (it aborts the request in flight, and a
 * result that arrives after it is refused), the caller's signal honoured mid-request, polls paced by
 * the shared scheduler, and transient failures (429, 5xx, network) ridden out until the deadline.
 * With a coordinator's completion feed, a wait on a task with a callback resolves from the feed and
 * polls only as a slow fallback.
 */
import { FINAL_TASK_STATES, type TaskRecord } from '@kling-kit/contract';
import type { Coordinator } from './coordination';
import { KlingAbortError, KlingError, TaskFailedError, WaitTimeoutError } from './errors';
import type { PollScheduler } from './internal/poll-scheduler';
import { isTransient } from './internal/request';
import { follow } from './internal/timing';
import type { ClientHooks } from './options';
import { defaultPollDelay, type PollDelay } from './poll-schedule';
import { decodeTask, type Task, type TaskHandle } from './task';

/** Options of `waitForTask` and `watchTask` (`M`: the task's model id, when known). */
export interface WaitOptions<M extends string = string> {
  /** Deadline of the whole wait, in ms. The task keeps running after it. @default 900000 (15 min) */
  timeoutMs?: number;
  /** Aborts the wait, including a poll in flight. */
  signal?: AbortSignal;
  /** Called with the task each time its state changes. */
  onProgress?: (task: Task<M>) => void;
  /** Replaces the poll schedule. */
  pollDelay?: PollDelay;
}

export interface WaitDeps {
  getTask(taskId: string, signal: AbortSignal): Promise<Task>;
  scheduler: PollScheduler;
  hooks: ClientHooks;
  watch?: Coordinator['watch'] | undefined;
}

const DEFAULT_WAIT_MS = 15 * 60_000;
/** Polls of a wait the completion feed serves are at least this far apart: only a lost callback needs them. */
const FED_POLL_MS = 60_000;

/** Yields the task each time its state changes, ending with its final state. */
export async function* watchTask(
  deps: WaitDeps,
  task: string | TaskHandle,
  options: WaitOptions = {},
): AsyncGenerator<Task> {
  const taskId = typeof task === 'string' ? task : task.taskId;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const pollDelay = options.pollDelay ?? defaultPollDelay;
  const started = Date.now();
  let createdAt = typeof task === 'string' ? undefined : task.createdAt;
  let last: Task | undefined;
  let polls = 0;
  // One controller for the wait: the caller's signal or the deadline aborts it, and with it the poll
  // in flight. The `finally` below clears the timer and drops the listener on every way out.
  const wait = new AbortController();
  let timedOut = false;
  // Beyond setTimeout's range (about 24.8 days, or Infinity) there is no deadline.
  const timer =
    timeoutMs <= 2_147_483_647
      ? setTimeout(() => {
          timedOut = !wait.signal.aborted;
          wait.abort(new WaitTimeoutError(taskId, timeoutMs, last?.state));
        }, timeoutMs)
      : undefined;
  const release = follow(options.signal, wait);
  const { signal } = wait;
  const stop = (reason: unknown): never => {
    if (timedOut) {
      throw signal.reason;
    }
    if (options.signal?.aborted) {
      throw reason instanceof KlingAbortError
        ? reason
        : new KlingAbortError(`Waiting for task ${taskId} was aborted`, { cause: options.signal.reason });
    }
    throw reason;
  };
  // A task created with a callback URL finishes through the feed, when there is one: the record a
  // callback handler published, in whatever process. `null` from the feed: poll normally again.
  let news: TaskRecord | null | undefined;
  let wake = () => {};
  let fed = typeof task !== 'string' && !!task.callBackUrl && !!deps.watch;
  const unwatch = fed
    ? deps.watch?.(taskId, (record) => {
        news ??= record;
        wake();
      })
    : undefined;
  const next = (state: Task['state'] | undefined, elapsedMs: number) =>
    Date.now() + Math.max(pollDelay(state, elapsedMs), fed ? FED_POLL_MS : 0);
  try {
    let at = fed ? next(undefined, 0) : Date.now();
    for (;;) {
      if (news === undefined) {
        const nap = new AbortController();
        wake = () => nap.abort();
        const drop = follow(signal, nap);
        await deps.scheduler
          .slot(at, nap.signal)
          .catch((error) => signal.aborted && stop(error))
          .finally(drop);
      }
      if (news === null) {
        news = undefined;
        fed = false;
        at = Date.now();
        continue;
      }
      let current: Task;
      if (news) {
        current = decodeTask(news);
      } else {
        try {
          current = await deps.getTask(taskId, signal);
        } catch (error) {
          if (signal.aborted || !isTransient(error)) {
            stop(error);
          }
          at = next(last?.state, Date.now() - (createdAt ?? started));
          continue;
        }
        polls++;
      }
      if (signal.aborted) {
        stop(undefined); // a result after the deadline is not accepted
      }
      createdAt ??= Math.min(current.createTime, Date.now());
      const elapsedMs = Date.now() - createdAt;
      deps.hooks.onPoll?.({ taskId, state: current.state, polls, elapsedMs });
      if (current.state !== last?.state) {
        last = current;
        deps.hooks.onStateChange?.({ task: current, elapsedMs });
        options.onProgress?.(current);
        yield current;
      }
      // The generated list, not the contract's isFinalTaskState: its module also reads the model enum,
      // which a bundle would then keep.
      if ((FINAL_TASK_STATES as readonly string[]).includes(current.state)) {
        return;
      }
      news = undefined; // the feed only sends final records; anything else is not news
      at = next(current.state, elapsedMs);
    }
  } finally {
    clearTimeout(timer);
    release();
    unwatch?.();
  }
}

/** Resolves with the task once it succeeds; rejects with `TaskFailedError` or `WaitTimeoutError`. */
export async function waitForTask(
  deps: WaitDeps,
  task: string | TaskHandle,
  options: WaitOptions = {},
): Promise<Task> {
  let last: Task | undefined;
  for await (const current of watchTask(deps, task, options)) {
    last = current;
  }
  if (!last) {
    throw new KlingError('The wait ended without a task');
  }
  if (last.state === 'fail') {
    throw new TaskFailedError(last);
  }
  return last;
}
