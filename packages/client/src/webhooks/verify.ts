/**
 * Verifying kie.ai's callbacks. The signature is `base64(HMAC-SHA256(taskId + "." + timestamp, key))`
 * in `X-Webhook-Signature`, with `X-Webhook-Timestamp` in Unix seconds. It covers the task id and
 * time, not the body: confirm the record with `client.confirmCallback()` (a recordInfo query) before
 * acting on anything but the task id. Web Crypto only, so it runs in Node, Deno, Bun, edge runtimes.
 */
import { type CallbackPayload, taskStates } from '@kling-kit/contract';
import { CallbackVerificationError, KlingError } from '../errors';
import { decodeTask, type Task } from '../task';

/** A parsed callback: kie.ai's payload plus the record decoded as a `Task`. */
export interface KlingCallback extends CallbackPayload {
  readonly task: Task;
}

/** Request headers: Fetch `Headers` or a plain object such as Node's `req.headers`. */
export type CallbackHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyCallbackOptions {
  /** The raw body (preferred) or the already parsed JSON. */
  body: string | object;
  headers: CallbackHeaders;
  /** Your `webhookHmacKey` from kie.ai's settings. */
  secret: string;
  /** Largest accepted distance between the timestamp and now, in seconds. @default 300 */
  toleranceSec?: number;
  /** The current time in ms (for tests). @default Date.now() */
  now?: number;
}

const encoder = new TextEncoder();

/** One header's value (the first, for a repeated one), whatever form the headers take. */
export function header(headers: CallbackHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name.toLowerCase()) {
      return Array.isArray(value) ? value[0] : (value as string | undefined);
    }
  }
  return undefined;
}

/**
 * Checks the arguments a server passes (never the callback itself) before any of them is used:
 * a wrong one is a misconfiguration, reported as `KlingError` so that it is not mistaken for a
 * forged callback (and does not surface as Web Crypto's `DataError` for an empty key).
 */
function check(name: string, valid: boolean, expected: string): void {
  if (!valid) {
    throw new KlingError(`${name} must be ${expected}`);
  }
}
const checkSecret = (fn: string, secret: unknown) =>
  check(
    `${fn}: secret`,
    typeof secret === 'string' && secret.trim() !== '',
    "a non-empty string (your webhookHmacKey from kie.ai's settings)",
  );

const hmacKey = (secret: string, usage: 'sign' | 'verify') =>
  crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);

/** Parses and checks a callback body, without a signature check. Throws `CallbackVerificationError`. */
export function parseCallback(body: string | object): KlingCallback {
  let payload: unknown = body;
  if (typeof body === 'string') {
    try {
      payload = JSON.parse(body);
    } catch {
      throw new CallbackVerificationError('The callback body is not JSON', 'invalid-body');
    }
  }
  const data = (payload as { data?: Record<string, unknown> } | null)?.data;
  const taskId = data?.taskId ?? data?.task_id;
  if (!data || typeof taskId !== 'string' || !taskStates.includes(data.state as never)) {
    throw new CallbackVerificationError(
      'The callback body is not a kie.ai task callback (data.taskId, data.state)',
      'invalid-body',
    );
  }
  const callback = payload as CallbackPayload;
  return { ...callback, task: decodeTask({ ...callback.data, taskId }) };
}

/**
 * Verifies a callback's signature (constant-time, through Web Crypto) and timestamp, then parses it.
 * Throws `CallbackVerificationError` with a `reason` for a callback that fails, and `KlingError`
 * for a wrong argument (an empty or missing `secret`, no `headers`, a `toleranceSec` or `now` that
 * is not a number).
 */
export async function verifyCallback(options: VerifyCallbackOptions): Promise<KlingCallback> {
  check('verifyCallback: options', typeof options === 'object' && options !== null, 'an object');
  checkSecret('verifyCallback', options.secret);
  check(
    'verifyCallback: headers',
    typeof options.headers === 'object' && options.headers !== null,
    "Fetch Headers or an object such as Node's req.headers",
  );
  const { toleranceSec = 300, now = Date.now() } = options;
  check(
    'verifyCallback: toleranceSec',
    typeof toleranceSec === 'number' && toleranceSec >= 0,
    'a number ≥ 0',
  );
  check('verifyCallback: now', Number.isFinite(now), 'a time in ms');
  const timestamp = header(options.headers, 'x-webhook-timestamp');
  const signature = header(options.headers, 'x-webhook-signature');
  if (!timestamp || !signature) {
    throw new CallbackVerificationError(
      'The callback has no X-Webhook-Timestamp/X-Webhook-Signature headers',
      'missing-signature',
    );
  }
  const callback = parseCallback(options.body);
  let signatureBytes: Uint8Array;
  try {
    signatureBytes = Uint8Array.from(atob(signature.trim()), (char) => char.charCodeAt(0));
  } catch {
    throw new CallbackVerificationError('The callback signature is not base64', 'bad-signature');
  }
  const valid = await crypto.subtle.verify(
    'HMAC',
    await hmacKey(options.secret, 'verify'),
    signatureBytes,
    encoder.encode(`${callback.task.taskId}.${timestamp}`),
  );
  if (!valid) {
    throw new CallbackVerificationError('The callback signature does not match', 'bad-signature');
  }
  const ageSec = Math.abs(now / 1000 - Number(timestamp));
  if (!/^\d+$/.test(timestamp) || ageSec > toleranceSec) {
    throw new CallbackVerificationError(
      `The callback timestamp is ${Math.round(ageSec)} s away from now`,
      'stale-timestamp',
    );
  }
  return callback;
}

/**
 * Signs a callback as kie.ai does (for tests and local tools): the two headers to send. Throws
 * `KlingError` for an empty `taskId` or `secret`, or a timestamp that is not whole seconds.
 */
export async function signCallback(
  taskId: string,
  secret: string,
  timestampSec: number = Math.floor(Date.now() / 1000),
): Promise<{ 'X-Webhook-Timestamp': string; 'X-Webhook-Signature': string }> {
  check('signCallback: taskId', typeof taskId === 'string' && taskId !== '', 'a non-empty string');
  checkSecret('signCallback', secret);
  check(
    'signCallback: timestampSec',
    Number.isSafeInteger(timestampSec) && timestampSec >= 0,
    'whole seconds ≥ 0',
  );
  const mac = await crypto.subtle.sign(
    'HMAC',
    await hmacKey(secret, 'sign'),
    encoder.encode(`${taskId}.${timestampSec}`),
  );
  return {
    'X-Webhook-Timestamp': String(timestampSec),
    'X-Webhook-Signature': btoa(String.fromCharCode(...new Uint8Array(mac))),
  };
}
