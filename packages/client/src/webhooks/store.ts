/**
 * Where the callback handler remembers which callbacks it has handled, so that kie.ai's
 * redeliveries (it delivers at least once) call your function once. The default is a bounded store
 * in this process's memory; implement `CallbackStore` over Redis or a database to share it between
 * instances and keep it across restarts.
 */
import { KlingError } from '../errors';

/**
 * What `claim` found: `claimed` (the caller now handles the callback), `processing` (another
 * delivery of it is being handled right now) or `done` (it was handled).
 */
export type CallbackClaim = 'claimed' | 'processing' | 'done';

/**
 * A de-duplication store, keyed by `taskId:state`. `claim` must be atomic: of two concurrent
 * claims of one key, one gets `claimed`. Each method may return a promise.
 *
 * @example Redis (node-redis): the claim expires, so a process that dies while handling a callback
 * does not block its retries for longer than that.
 * ```ts
 * const store: CallbackStore = {
 *   async claim(key) {
 *     if (await redis.set(`kie:${key}`, 'processing', { NX: true, PX: 60_000 })) return 'claimed';
 *     return (await redis.get(`kie:${key}`)) === 'done' ? 'done' : 'processing';
 *   },
 *   complete: async (key) => void (await redis.set(`kie:${key}`, 'done', { PX: 7 * 86_400_000 })),
 *   release: async (key) => void (await redis.del(`kie:${key}`)),
 * };
 * ```
 */
export interface CallbackStore {
  /** Claims `key` for handling, unless it is already claimed or done. */
  claim(key: string): CallbackClaim | Promise<CallbackClaim>;
  /** Your function resolved: `key` is done, and later deliveries of it are answered 200 at once. */
  complete(key: string): void | Promise<void>;
  /** Handling failed: forgets the claim, so that kie.ai's retry can handle the callback again. */
  release(key: string): void | Promise<void>;
}

export interface MemoryCallbackStoreOptions {
  /** Keys kept at most; past it the least recently seen key is forgotten. @default 10000 */
  maxEntries?: number;
}

/**
 * A `CallbackStore` in this process's memory, bounded by `maxEntries` (a few hundred bytes each).
 * It de-duplicates the deliveries one process receives: behind a load balancer, or across
 * restarts, use a shared store.
 */
export function createMemoryCallbackStore(options: MemoryCallbackStoreOptions = {}): CallbackStore {
  const { maxEntries = 10_000 } = options;
  if (!(Number.isSafeInteger(maxEntries) && maxEntries > 0)) {
    throw new KlingError('createMemoryCallbackStore: maxEntries must be a positive integer');
  }
  // A Map keeps insertion order: re-inserting a key on each use makes its first key the least recent.
  const entries = new Map<string, 'processing' | 'done'>();
  const put = (key: string, value: 'processing' | 'done') => {
    entries.delete(key);
    entries.set(key, value);
    if (entries.size > maxEntries) {
      entries.delete(entries.keys().next().value as string);
    }
  };
  return {
    claim(key) {
      const current = entries.get(key);
      put(key, current ?? 'processing');
      return current ?? 'claimed';
    },
    complete: (key) => put(key, 'done'),
    release(key) {
      entries.delete(key);
    },
  };
}
