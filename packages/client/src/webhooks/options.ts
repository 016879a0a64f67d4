/** What the callback handlers take, and what they hand to your function. */
import type { Coordinator } from '../coordination';
import type { Task } from '../task';
import type { CallbackStore } from './store';
import type { KlingCallback } from './verify';

/**
 * Where the handler fetches the authoritative record of a task: a `KlingClient` (its `getTask`,
 * a recordInfo query) or your own function.
 */
export type TaskConfirmer = { getTask(taskId: string): Promise<Task> } | ((taskId: string) => Promise<Task>);

/** What your function receives for each new, verified callback. */
export interface CallbackEvent<Confirmed extends boolean = boolean> {
  /**
   * The callback as kie.ai sent it, parsed and checked against the contract. Its `task` is decoded
   * from the body, which the signature does not cover.
   */
  readonly callback: KlingCallback;
  /** The task to act on: the record recordInfo returned when `confirm` is set, else `callback.task`. */
  readonly task: Task;
  /** Whether `task` comes from recordInfo (`true` whenever `confirm` is set). */
  readonly confirmed: Confirmed;
}

/** The `error` field of a non-2xx answer. */
export type CallbackErrorCode =
  | 'method-not-allowed'
  | 'payload-too-large'
  | 'body-unavailable'
  | 'missing-signature'
  | 'bad-signature'
  | 'stale-timestamp'
  | 'invalid-body'
  | 'in-progress'
  | 'store-failed'
  | 'confirm-failed'
  | 'state-mismatch'
  | 'handler-failed'
  | 'publish-failed'
  | 'internal-error';

/** Why the handler answered a callback with an error (passed to `onError`). */
export interface CallbackFailure {
  /** The HTTP status of the answer. */
  readonly status: number;
  readonly code: CallbackErrorCode;
  /** The callback's task, once the body is parsed. */
  readonly taskId?: string;
}

/**
 * Options of `createCallbackHandler` and `createNodeCallbackHandler`. `Confirmed` is whether
 * `confirm` is set, and so what `onCallback` receives.
 */
export interface CallbackHandlerOptions<Confirmed extends boolean = boolean> {
  /** Your `webhookHmacKey` from kie.ai's settings. */
  secret: string;
  /**
   * Called once per new callback (success or fail). The handler answers 2xx only after it
   * resolves; if it throws or rejects, the answer is 500 and kie.ai retries the delivery.
   */
  onCallback: (event: CallbackEvent<Confirmed>) => unknown;
  /**
   * Fetch the record with recordInfo before calling you, and hand you that instead of the body.
   * A record whose task id or state differs from the callback's is answered 409 (`state-mismatch`),
   * a failed query 502 (`confirm-failed`); your function is not called and kie.ai retries.
   */
  confirm?: Confirmed extends true ? TaskConfirmer : undefined;
  /**
   * De-duplicates deliveries by `taskId:state`: a callback already handled is answered 200 without
   * calling you, one being handled right now 409 (`in-progress`, so kie.ai retries it later).
   * `false` turns de-duplication off. @default createMemoryCallbackStore()
   */
  store?: CallbackStore | false;
  /**
   * Publishes each callback your function handled to this coordinator's completion feed (e.g.
   * `createRedisCoordinator` from `@kling-kit/redis`), after your function resolved: a wait for the
   * task in any process resolves with the same record your function got as `task`. A failed publish
   * is reported to `onError` (`publish-failed`) and still answered 200; those waits then find the
   * result by polling.
   */
  coordinator?: Required<Pick<Coordinator, 'publish'>>;
  /** Largest accepted distance between the signature's timestamp and now, in seconds. @default 300 */
  toleranceSec?: number;
  /** Largest accepted body, in bytes (kie.ai's callbacks take a few kB). @default 1048576 */
  maxBodyBytes?: number;
  /**
   * Told about every error, with the status answered: your function's, the store's, recordInfo's,
   * a `CallbackVerificationError`, a `KlingError` for the rest (a store failing to record a
   * handled callback is reported with the 200 still answered). Must not throw.
   * @default `console.error`, except for answers about the request itself (400, 401, 405, 413)
   */
  onError?: (error: unknown, failure: CallbackFailure) => void;
}
