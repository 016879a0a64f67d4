/**
 * The steps every callback handler runs, whatever the framework: method, size, signature and body,
 * de-duplication, optional confirmation, your function, and the answer that tells kie.ai whether
 * to retry. The adapters (`fetch-handler.ts`, `node-handler.ts`) only read the request and write
 * the answer.
 */
import { CallbackVerificationError, KlingError } from '../errors';
import type { Task } from '../task';
import type { CallbackErrorCode, CallbackFailure, CallbackHandlerOptions, TaskConfirmer } from './options';
import { createMemoryCallbackStore } from './store';
import { type CallbackHeaders, header, type KlingCallback, verifyCallback } from './verify';

/** A request as the adapters pass it. */
export interface CallbackDelivery {
  readonly method: string;
  readonly headers: CallbackHeaders;
  /** Reads the body: the raw text, an object a body parser made, or `undefined` past `limit` bytes. */
  readBody(limit: number): Promise<string | object | undefined>;
}

/** The answer the adapter writes: a status, a JSON body, extra headers. */
export interface CallbackAnswer {
  readonly status: number;
  readonly body: { received: true; duplicate?: true } | { error: CallbackErrorCode; message: string };
  readonly headers?: Readonly<Record<string, string>>;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Answers about the request itself: the sender's problem (and an attacker's noise), not yours. */
const REQUEST_PROBLEMS = [400, 401, 405, 413];

const defaultOnError = (error: unknown, failure: CallbackFailure) => {
  if (!REQUEST_PROBLEMS.includes(failure.status)) {
    console.error(`kie.ai callback answered ${failure.status} (${failure.code}):`, error);
  }
};

function check(name: string, valid: boolean, expected: string): void {
  if (!valid) {
    throw new KlingError(`Callback handler: ${name} must be ${expected}`);
  }
}

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

function confirmerOf(confirm: TaskConfirmer | undefined): ((taskId: string) => Promise<Task>) | undefined {
  if (confirm === undefined) {
    return undefined;
  }
  if (isFunction(confirm)) {
    return confirm;
  }
  check('confirm', isFunction(confirm?.getTask), 'a KlingClient or a function (taskId) => Promise<Task>');
  return (taskId) => confirm.getTask(taskId);
}

/**
 * Checks the options once, when the handler is made (a wrong one is a bug to see at start-up, not
 * a 500 on each callback), and returns the function that handles one delivery, which never throws.
 */
export function callbackHandling(
  options: CallbackHandlerOptions,
): (delivery: CallbackDelivery) => Promise<CallbackAnswer> {
  check('options', typeof options === 'object' && options !== null, 'an object');
  const { secret, onCallback, toleranceSec, maxBodyBytes = DEFAULT_MAX_BODY_BYTES } = options;
  check('secret', typeof secret === 'string' && secret.trim() !== '', 'your webhookHmacKey (a string)');
  check('onCallback', isFunction(onCallback), 'a function');
  check(
    'toleranceSec',
    toleranceSec === undefined || (typeof toleranceSec === 'number' && toleranceSec >= 0),
    'a number ≥ 0',
  );
  check('maxBodyBytes', Number.isSafeInteger(maxBodyBytes) && maxBodyBytes > 0, 'a positive integer');
  const store = options.store === false ? undefined : (options.store ?? createMemoryCallbackStore());
  check(
    'store',
    store === undefined || [store.claim, store.complete, store.release].every(isFunction),
    'false or an object with claim, complete and release',
  );
  const getTask = confirmerOf(options.confirm);
  check(
    'coordinator',
    options.coordinator === undefined || isFunction(options.coordinator?.publish),
    'an object with publish(record), such as a coordinator from @kling-kit/redis',
  );
  const onError = options.onError ?? defaultOnError;

  const fail = (
    status: number,
    code: CallbackErrorCode,
    error: unknown,
    message: string,
    taskId?: string,
  ): CallbackAnswer => {
    try {
      onError(error, taskId === undefined ? { status, code } : { status, code, taskId });
    } catch {
      // A failing logger must not change what kie.ai is told.
    }
    return { status, body: { error: code, message } };
  };

  /** Confirms, then calls the user; the answer for a claimed callback. */
  const handle = async (callback: KlingCallback): Promise<CallbackAnswer> => {
    const { taskId, state } = callback.task;
    let task = callback.task;
    if (getTask) {
      try {
        task = await getTask(taskId);
      } catch (error) {
        return fail(502, 'confirm-failed', error, 'The task record could not be fetched', taskId);
      }
      if (task?.taskId !== taskId || task.state !== state) {
        const message = `The callback says ${taskId} is ${state}; recordInfo says ${task?.taskId} is ${task?.state}`;
        return fail(409, 'state-mismatch', new KlingError(message), message, taskId);
      }
    }
    try {
      await onCallback({ callback, task, confirmed: getTask !== undefined });
    } catch (error) {
      return fail(500, 'handler-failed', error, 'The callback handler failed', taskId);
    }
    try {
      await options.coordinator?.publish?.(task.raw);
    } catch (error) {
      // Handled all the same: the waits elsewhere find the result by polling.
      fail(200, 'publish-failed', error, '', taskId);
    }
    return { status: 200, body: { received: true } };
  };

  return async (delivery) => {
    if (delivery.method.toUpperCase() !== 'POST') {
      const message = `kie.ai callbacks are POSTed, not sent with ${delivery.method}`;
      return {
        ...fail(405, 'method-not-allowed', new KlingError(message), message),
        headers: { Allow: 'POST' },
      };
    }
    let body: string | object | undefined;
    try {
      // A declared length over the limit is refused before a byte is read.
      body =
        Number(header(delivery.headers, 'content-length')) > maxBodyBytes
          ? undefined
          : await delivery.readBody(maxBodyBytes);
    } catch (error) {
      const message = error instanceof KlingError ? error.message : 'The request body could not be read';
      return fail(500, 'body-unavailable', error, message);
    }
    if (body === undefined) {
      const message = `The body is larger than ${maxBodyBytes} bytes`;
      return fail(413, 'payload-too-large', new KlingError(message), message);
    }
    let callback: KlingCallback;
    try {
      callback = await verifyCallback({
        body,
        headers: delivery.headers,
        secret,
        ...(toleranceSec === undefined ? {} : { toleranceSec }),
      });
    } catch (error) {
      if (!(error instanceof CallbackVerificationError)) {
        return fail(500, 'internal-error', error, 'The callback could not be verified');
      }
      return fail(error.reason === 'invalid-body' ? 400 : 401, error.reason, error, error.message);
    }
    const { taskId, state } = callback.task;
    const key = `${taskId}:${state}`;
    try {
      const claim = store ? await store.claim(key) : 'claimed';
      if (claim === 'done') {
        return { status: 200, body: { received: true, duplicate: true } };
      }
      if (claim === 'processing') {
        const message = `Another delivery of ${key} is being handled`;
        return { status: 409, body: { error: 'in-progress', message } };
      }
    } catch (error) {
      return fail(500, 'store-failed', error, 'The de-duplication store failed', taskId);
    }
    const answer = await handle(callback);
    try {
      await (answer.status === 200 ? store?.complete(key) : store?.release(key));
    } catch (error) {
      // Done but not recorded: still 200 (a redelivery may call you again). Not released: the
      // retry finds the claim; a store whose claims expire lets it through later.
      fail(answer.status, 'store-failed', error, '', taskId);
    }
    return answer;
  };
}
