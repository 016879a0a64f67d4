/**
 * Coordination between the processes that share one API key: kie.ai limits the account and the
 * key, not a process. Types only: `@kling-kit/redis` implements them on Redis; without a
 * coordinator each client paces itself, as one process needs.
 */
import type { TaskRecord } from '@kling-kit/contract';

/** The operations kie.ai rate-limits (the spec's operationIds): creates per account, queries per key. */
export type RateLimitedOperation = 'createTask' | 'getTaskRecord';

/** What `acquire` resolves to: nothing, or the function to call once the request was answered or failed. */
// biome-ignore lint/suspicious/noConfusingVoidType: a coordinator whose acquire returns Promise<void> stays valid.
export type AcquireResult = void | (() => void);

/**
 * A rate budget and a completion feed shared by every process on one key. Pass the same object to
 * `createKlingClient({ coordinator })` and to the callback handler (`coordinator` option).
 */
export interface Coordinator {
  /**
   * Resolves when one request of `operation` may be sent now, and counts it: asked before each
   * createTask attempt, each poll of a wait (after the client's own pacing) and each `getTask`.
   * Rejects only with the signal's reason; it must not hang when its backing store is gone. It may
   * resolve to a function, which the client calls once that request was answered (or failed): the
   * time the request surely reached kie.ai by, so the coordinator can space the next window from it.
   */
  acquire(operation: RateLimitedOperation, signal?: AbortSignal): Promise<AcquireResult>;
  /**
   * The completion feed: calls `listener` with a task's final record when its callback was handled
   * in any process (also when that happened shortly before the call), or with `null` when the feed
   * can no longer promise that (its connection was lost). Returns the function that stops listening.
   * A wait on a handle with a `callBackUrl` listens here and polls only as a slow fallback (at most
   * once a minute); after `null` it polls on the normal schedule.
   */
  watch?(taskId: string, listener: (record: TaskRecord | null) => void): () => void;
  /** Publishes a task's final record to the feed (the callback handler calls it for each callback it handled). */
  publish?(record: TaskRecord): unknown;
}
