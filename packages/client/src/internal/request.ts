/**
 * One API call with kie.ai's envelope rules, timeouts and retries. GETs and other safe calls retry
 * on 429, 455, 5xx and connection errors with jittered backoff (honouring `Retry-After`);
 * `createTask` retries only when the task provably was not created (a 429, or a connection refused
 * before anything was sent) and otherwise reports that the outcome is unknown.
 */
import {
  apiError,
  CreateOutcomeUnknownError,
  KlingAbortError,
  type KlingApiError,
  KlingConnectionError,
  KlingError,
  KlingResponseError,
  KlingTimeoutError,
} from '../errors';
import type { ClientHooks } from '../options';
import { anySignal, backoffMs, parseRetryAfter, sleep } from './timing';

/** What openapi-fetch answers with `parseAs: 'text'`. */
export interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export interface RequestSettings {
  maxRetries: number;
  timeoutMs: number;
  hooks: ClientHooks;
}

export interface Call {
  /** `GET /api/v1/jobs/recordInfo`: for messages and hooks. */
  label: string;
  /** `create` may never be repeated blindly: it costs credits. */
  kind: 'create' | 'safe';
  taskId?: string;
  signal?: AbortSignal | undefined;
  send: (signal: AbortSignal) => Promise<RawResult>;
}

const RETRYABLE_CODES = new Set([429, 455, 500, 502, 503, 504]);
/** Connection failures that happen before a request leaves the machine. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function parseBody(result: RawResult): unknown {
  if (!result.response.ok) {
    return result.error;
  }
  if (typeof result.data !== 'string') {
    return result.data;
  }
  try {
    return JSON.parse(result.data);
  } catch {
    return result.data;
  }
}

/** The envelope's data, or the error it stands for. */
function readEnvelope(call: Call, result: RawResult): { data: unknown } | { error: KlingError } {
  const { response } = result;
  const body = parseBody(result);
  const envelope =
    body && typeof body === 'object'
      ? (body as { code?: unknown; msg?: unknown; message?: unknown; data?: unknown })
      : undefined;
  if (envelope && typeof envelope.code === 'number') {
    if (envelope.code === 200 && response.ok) {
      return { data: envelope.data };
    }
    const msg =
      typeof envelope.msg === 'string'
        ? envelope.msg
        : typeof envelope.message === 'string'
          ? envelope.message
          : '';
    const info: { request: string; taskId?: string; requestId?: string; retryAfterSec?: number } = {
      request: call.label,
    };
    const requestId = response.headers.get('x-request-id') ?? response.headers.get('request-id');
    const retryAfterSec = parseRetryAfter(response.headers.get('retry-after'));
    if (call.taskId) info.taskId = call.taskId;
    if (requestId) info.requestId = requestId;
    if (retryAfterSec !== undefined) info.retryAfterSec = retryAfterSec;
    return { error: apiError(envelope.code, response.status, msg, info) };
  }
  if (!response.ok && response.status === 429) {
    return { error: apiError(429, 429, 'Rate limit exceeded', { request: call.label }) };
  }
  const type = response.headers.get('content-type') ?? 'no content type';
  return {
    error: new KlingResponseError(
      `kie.ai ${call.label} answered HTTP ${response.status} with a body that is not its JSON envelope (${type})`,
      response.status,
    ),
  };
}

function statusOf(error: KlingError): number | undefined {
  return 'code' in error
    ? (error as KlingApiError).code
    : error instanceof KlingResponseError
      ? error.status
      : undefined;
}

/** Runs a call to completion: the envelope's `data`, or a typed error. */
export async function request<T>(settings: RequestSettings, call: Call): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    let outcome: { data: unknown } | { error: KlingError };
    let sent = true;
    try {
      settings.hooks.onRequest?.({ request: call.label, attempt });
      outcome = readEnvelope(call, await call.send(anySignal([call.signal, timeout])));
    } catch (error) {
      if (call.signal?.aborted) {
        throw call.signal.reason instanceof KlingError
          ? call.signal.reason
          : new KlingAbortError(`${call.label} was aborted`, { cause: call.signal.reason });
      }
      if (timeout.aborted) {
        outcome = {
          error: new KlingTimeoutError(`${call.label} got no answer within ${settings.timeoutMs} ms`),
        };
      } else {
        sent = !NOT_SENT.has(errorCode(error) ?? '');
        const reason = errorCode(error) ?? (error instanceof Error ? error.message : 'network error');
        outcome = {
          error: new KlingConnectionError(`${call.label} could not reach kie.ai (${reason})`, {
            cause: error,
          }),
        };
      }
    }
    if ('data' in outcome) {
      return outcome.data as T;
    }
    const { error } = outcome;
    const status = statusOf(error);
    const retryable =
      call.kind === 'create'
        ? status === 429 || (error instanceof KlingConnectionError && !sent)
        : error instanceof KlingConnectionError ||
          error instanceof KlingTimeoutError ||
          RETRYABLE_CODES.has(status ?? 0);
    if (!retryable || attempt > settings.maxRetries) {
      const ambiguous =
        call.kind === 'create' &&
        (error instanceof KlingTimeoutError ||
          (error instanceof KlingConnectionError && sent) ||
          (status !== undefined && status >= 500 && status !== 501 && status !== 505));
      throw ambiguous
        ? new CreateOutcomeUnknownError(
            `${call.label} failed after the request was sent (${error.message}); kie.ai may or may not have created the task, so it was not retried`,
            { cause: error },
          )
        : error;
    }
    const retryAfterSec = (error as { retryAfterSec?: number }).retryAfterSec;
    const delayMs = retryAfterSec !== undefined ? Math.min(60_000, retryAfterSec * 1000) : backoffMs(attempt);
    settings.hooks.onRetry?.({ request: call.label, attempt, delayMs, error });
    await sleep(delayMs, call.signal).catch((reason: unknown) => {
      throw reason instanceof KlingError
        ? reason
        : new KlingAbortError(`${call.label} was aborted`, { cause: reason });
    });
  }
}
