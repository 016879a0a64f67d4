/**
 * One API call with kie.ai's envelope rules, timeouts and retries. GETs and other safe calls retry
 * on 429, 455, 5xx and connection errors with jittered backoff (honouring `Retry-After`);
 * `createTask` retries only when the task provably was not created (a 429, or a connection refused
 * before anything was sent) and otherwise reports that the outcome is unknown.
 */
import { isTransientCode, MISSING_INPUT_ANSWER } from '@kling-kit/contract';
import {
  apiError,
  CreateOutcomeUnknownError,
  KlingAbortError,
  KlingApiError,
  KlingConnectionError,
  KlingError,
  KlingResponseError,
  KlingTimeoutError,
  type RequestInfo,
  ValidationError,
} from '../errors';
import type { ClientHooks } from '../options';
import { backoffMs, follow, parseRetryAfter, sleep } from './timing';

export interface RequestSettings {
  maxRetries: number;
  timeoutMs: number;
  hooks: ClientHooks;
  /** Masks the API key in a failed attempt's error before a hook or the caller sees it. */
  redact: <T>(value: T) => T;
}

export interface Call {
  /** `GET /api/v1/jobs/recordInfo`: for messages and hooks. */
  label: string;
  /** `create` may never be repeated blindly: it costs credits. */
  kind: 'create' | 'safe';
  taskId?: string;
  signal?: AbortSignal | undefined;
  send: (signal: AbortSignal) => Promise<Response>;
  /** Waits for the shared rate budget before each attempt (a coordinator's `acquire`). */
  gate?: ((signal?: AbortSignal) => Promise<unknown>) | undefined;
  /** Checks the shape of a successful answer's `data`; a mismatch is a `KlingResponseError`. */
  expect?: (data: unknown) => boolean;
}

/** Connection failures that happen before a request leaves the machine. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // an HTML error page, an empty body: not an envelope
  }
}

/** The envelope's data, or the error it stands for. */
function readEnvelope(
  call: Call,
  response: Response,
  text: string,
): { data: unknown } | { error: KlingError } {
  const body = parseBody(text);
  const envelope =
    body && typeof body === 'object'
      ? (body as { code?: unknown; msg?: unknown; message?: unknown; data?: unknown })
      : undefined;
  if (envelope && typeof envelope.code === 'number') {
    if (envelope.code === 200 && response.ok) {
      return call.expect && !call.expect(envelope.data)
        ? {
            error: new KlingResponseError(
              `${call.label}: code 200 without the expected data`,
              response.status,
            ),
          }
        : { data: envelope.data };
    }
    const msg = envelope.msg ?? envelope.message;
    return {
      error: apiError(envelope.code, response.status, typeof msg === 'string' ? msg : '', {
        request: call.label,
        taskId: call.taskId,
        requestId: response.headers.get('x-request-id') ?? undefined,
        retryAfterSec: parseRetryAfter(response.headers.get('retry-after')),
      } as RequestInfo),
    };
  }
  return {
    error:
      response.status === 429
        ? apiError(429, 429, '', {
            request: call.label,
            retryAfterSec: parseRetryAfter(response.headers.get('retry-after')),
          } as RequestInfo)
        : new KlingResponseError(
            `${call.label}: HTTP ${response.status} without kie.ai's JSON envelope`,
            response.status,
          ),
  };
}

function statusOf(error: unknown): number | undefined {
  return error instanceof KlingApiError
    ? error.code
    : error instanceof KlingResponseError
      ? error.status
      : undefined;
}

/** kie.ai's observed answer to a missing required input at createTask (code 500 "… is required"). */
const isMissingInputAnswer = (error: unknown): error is KlingApiError =>
  error instanceof KlingApiError &&
  error.code === MISSING_INPUT_ANSWER.code &&
  new RegExp(MISSING_INPUT_ANSWER.msgPattern, 'i').test(error.msg);

/** Whether a failed safe call may succeed if repeated: network trouble, a timeout, 429, 455 or 5xx. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof KlingConnectionError || // timeouts included
    isTransientCode(statusOf(error) ?? 0)
  );
}

/** The error for the caller's abort: its own `KlingError` reason as is, or a `KlingAbortError`. */
const aborted = (call: Call, reason: unknown): KlingError =>
  reason instanceof KlingError ? reason : new KlingAbortError(`${call.label} was aborted`, { cause: reason });

/** Runs a call to completion: the envelope's `data`, or a typed error. */
export async function request<T>(settings: RequestSettings, call: Call): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    // An abort while waiting for the budget is reported just below, as every abort is.
    const answered = await call.gate?.(call.signal).catch(() => {});
    if (call.signal?.aborted) {
      throw aborted(call, call.signal.reason);
    }
    // One controller per attempt, aborted by its own timer (AbortSignal.timeout could not be
    // cleared) or by the caller's signal. Every way out of the attempt clears the timer and drops
    // the listener: a timer left behind keeps the process alive for timeoutMs after an abort.
    const attemptController = new AbortController();
    const timer = setTimeout(() => attemptController.abort(), settings.timeoutMs);
    const release = follow(call.signal, attemptController);
    let outcome: { data: unknown } | { error: KlingError };
    let sent = true;
    try {
      settings.hooks.onRequest?.({ request: call.label, attempt });
      const { signal } = attemptController;
      outcome = await Promise.race([
        call.send(signal).then(async (response) => readEnvelope(call, response, await response.text())),
        // The timeout and the caller's abort end the attempt even when an injected fetch, or the
        // body it returned, ignores the signal.
        new Promise<never>((_resolve, reject) => signal.addEventListener('abort', reject, { once: true })),
      ]);
    } catch (error) {
      if (call.signal?.aborted) {
        throw aborted(call, call.signal.reason);
      }
      if (attemptController.signal.aborted) {
        outcome = {
          error: new KlingTimeoutError(`${call.label}: no answer in ${settings.timeoutMs} ms`),
        };
      } else {
        sent = !NOT_SENT.has(errorCode(error) ?? '');
        const reason = errorCode(error) ?? (error instanceof Error ? error.message : 'network error');
        outcome = { error: new KlingConnectionError(`${call.label}: ${reason}`, { cause: error }) };
      }
    } finally {
      clearTimeout(timer);
      release();
      // The coordinator learns when the request had surely arrived (see Coordinator.acquire); its
      // failure there cannot change the request's outcome.
      try {
        (answered as (() => void) | undefined)?.();
      } catch {}
    }
    if ('data' in outcome) {
      return outcome.data as T;
    }
    const error = settings.redact(outcome.error);
    const status = statusOf(error);
    const retryable =
      call.kind === 'create'
        ? status === 429 || (error instanceof KlingConnectionError && !sent)
        : isTransient(error);
    if (call.kind === 'create' && isMissingInputAnswer(error)) {
      // Seen live on the jobs API: code 500 "<field> is required" for a missing input. No task
      // was created, so this is a validation error, not an unknown outcome (the spec's x-missing-input-answer).
      throw new ValidationError(error.code, error.status, error.msg, error);
    }
    if (!retryable || attempt > settings.maxRetries) {
      const ambiguous =
        call.kind === 'create' &&
        // Sent and unanswered (a timeout is a connection error whose request was sent), or a 5xx.
        ((error instanceof KlingConnectionError && sent) ||
          (status !== undefined && status >= 500 && isTransientCode(status)));
      throw ambiguous
        ? new CreateOutcomeUnknownError(`Not retried: the task may or may not exist (${error.message})`, {
            cause: error,
          })
        : error;
    }
    const retryAfterSec = (error as { retryAfterSec?: number }).retryAfterSec;
    const delayMs = retryAfterSec !== undefined ? Math.min(60_000, retryAfterSec * 1000) : backoffMs(attempt);
    settings.hooks.onRetry?.({ request: call.label, attempt, delayMs, error });
    await sleep(delayMs, call.signal).catch((reason: unknown) => {
      throw aborted(call, reason);
    });
  }
}
