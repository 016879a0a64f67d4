/**
 * Every error the client throws. `KlingApiError` maps kie.ai's envelope codes (whether they arrive
 * as HTTP 200 with the code in the body, or as real HTTP statuses) to one class per code. No error
 * message, property or `toString()` ever holds the API key: errors keep no headers and no request,
 * and what the client passes on from elsewhere (a fetch's error and its causes, a server's message)
 * is copied with the key masked.
 */
import { type ErrorClassName, errorClassOf } from '@kling-kit/contract';
import type { Task } from './task';

/** Base class of every error this package throws. */
export class KlingError extends Error {
  override name = 'KlingError';
}

/** What the client knows about the request that failed. */
export interface RequestInfo {
  /** `POST /api/v1/jobs/createTask` (never a header or the key). */
  readonly request?: string;
  readonly requestId?: string;
  readonly taskId?: string;
}

/** kie.ai answered with an envelope error (`code` ≠ 200). */
export class KlingApiError extends KlingError {
  override name = 'KlingApiError';
  /** The envelope's business code (401, 402, 422, 429, …). */
  declare readonly code: number;
  /** The HTTP status (kie.ai sends most business errors with 200). */
  declare readonly status: number;
  /** kie.ai's message (`msg`, or `message` on some answers). */
  declare readonly msg: string;
  declare readonly request?: string;
  declare readonly requestId?: string;
  declare readonly taskId?: string;
  /** Seconds to wait before retrying, from `Retry-After`. */
  declare readonly retryAfterSec?: number;

  constructor(
    code: number,
    status: number,
    msg: string,
    info: RequestInfo & { retryAfterSec?: number } = {},
  ) {
    super(`kie.ai${info.request ? ` ${info.request}` : ''} answered code ${code}${msg ? `: ${msg}` : ''}`);
    this.code = code;
    this.status = status;
    this.msg = msg;
    // Optional fields are set only when known, so an error shows no `undefined` keys.
    if (info.request !== undefined) {
      this.request = info.request;
    }
    if (info.requestId !== undefined) {
      this.requestId = info.requestId;
    }
    if (info.taskId !== undefined) {
      this.taskId = info.taskId;
    }
    if (info.retryAfterSec !== undefined) {
      this.retryAfterSec = info.retryAfterSec;
    }
  }
}

/** 400: a required parameter is missing. */
export class BadRequestError extends KlingApiError {
  override name = 'BadRequestError';
}
/** 401: the API key is missing or invalid. */
export class AuthenticationError extends KlingApiError {
  override name = 'AuthenticationError';
}
/** 402: the balance cannot cover the task. */
export class InsufficientCreditsError extends KlingApiError {
  override name = 'InsufficientCreditsError';
}
/** 404: the resource or endpoint does not exist. */
export class NotFoundError extends KlingApiError {
  override name = 'NotFoundError';
}
/** 422: a parameter failed kie.ai's checks (also: an unknown taskId, `recordInfo is null`). */
export class ValidationError extends KlingApiError {
  override name = 'ValidationError';
}
/** 429: rate limited (20 new tasks per 10 s, 10 queries per second). */
export class RateLimitError extends KlingApiError {
  override name = 'RateLimitError';
}
/** 433: a sub-key exceeded its usage limit. */
export class SubKeyLimitError extends KlingApiError {
  override name = 'SubKeyLimitError';
}
/** 455: the service is under maintenance. */
export class ServiceUnavailableError extends KlingApiError {
  override name = 'ServiceUnavailableError';
}
/** 500 and other 5xx: kie.ai failed to handle the request. */
export class ServerError extends KlingApiError {
  override name = 'ServerError';
}
/** 501: generation failed. */
export class GenerationFailedError extends KlingApiError {
  override name = 'GenerationFailedError';
}
/** 505: the feature is disabled. */
export class FeatureDisabledError extends KlingApiError {
  override name = 'FeatureDisabledError';
}

/** A class for every error class the spec names (`x-enum-error-classes`): a missing one fails to compile. */
const CLASSES: Readonly<Record<ErrorClassName, typeof KlingApiError>> = {
  BadRequestError,
  AuthenticationError,
  InsufficientCreditsError,
  NotFoundError,
  ValidationError,
  RateLimitError,
  SubKeyLimitError,
  ServiceUnavailableError,
  ServerError,
  GenerationFailedError,
  FeatureDisabledError,
};

/** The error class of an envelope code. */
export function apiError(
  code: number,
  status: number,
  msg: string,
  info: RequestInfo & { retryAfterSec?: number } = {},
): KlingApiError {
  const name = errorClassOf(code);
  const ErrorClass = name ? CLASSES[name] : code >= 500 ? ServerError : KlingApiError;
  return new ErrorClass(code, status, msg, info);
}

/** The input failed the spec's rules locally; no request was sent and nothing was charged. */
export class KlingInputError extends KlingError {
  override name = 'KlingInputError';
  /** Each broken rule: `{ path: 'input.prompt', keyword: 'maxLength', message }`. */
  declare readonly issues: readonly { path: string; keyword: string; message: string }[];
  constructor(message: string, issues: KlingInputError['issues']) {
    super(message);
    this.issues = issues;
  }
}

/** kie.ai answered something that is not its JSON envelope (e.g. an HTML 502 page from a proxy). */
export class KlingResponseError extends KlingError {
  override name = 'KlingResponseError';
  /** The HTTP status of the answer. */
  declare readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** The request never got an answer: DNS, refused or reset connection. */
export class KlingConnectionError extends KlingError {
  override name = 'KlingConnectionError';
}

/** One request took longer than `timeoutMs`: a connection error whose request was sent (as openai-node's). */
export class KlingTimeoutError extends KlingConnectionError {
  override name = 'KlingTimeoutError';
}

/** The caller's `AbortSignal` fired. */
export class KlingAbortError extends KlingError {
  override name = 'KlingAbortError';
}

/**
 * createTask failed in a way that does not tell whether kie.ai created the task (a 5xx, a timeout,
 * a connection reset after the request was sent). It was not retried, so no task is paid twice; look
 * for the task (kie.ai's logs, or your callback) before creating it again.
 */
export class CreateOutcomeUnknownError extends KlingError {
  override name = 'CreateOutcomeUnknownError';
}

/** The task ended in `fail`. */
export class TaskFailedError extends KlingError {
  override name = 'TaskFailedError';
  declare readonly taskId: string;
  declare readonly failCode: string | null;
  declare readonly failMsg: string | null;
  declare readonly task: Task;

  constructor(task: Task) {
    super(`Task ${task.taskId} failed (${task.failCode}): ${task.failMsg}`);
    this.task = task;
    this.taskId = task.taskId;
    this.failCode = task.failCode;
    this.failMsg = task.failMsg;
  }
}

/** The wait hit its deadline. The task itself keeps running on kie.ai: wait again or check later. */
export class WaitTimeoutError extends KlingError {
  override name = 'WaitTimeoutError';
  declare readonly taskId: string;
  declare readonly timeoutMs: number;
  /** The last state seen before the deadline, if any. */
  declare readonly lastState?: string;
  constructor(taskId: string, timeoutMs: number, lastState?: string) {
    super(
      `Stopped waiting for task ${taskId} after ${timeoutMs} ms (last state: ${lastState}); it keeps running`,
    );
    this.taskId = taskId;
    this.timeoutMs = timeoutMs;
    if (lastState !== undefined) {
      this.lastState = lastState;
    }
  }
}

/** A callback failed verification (signature, timestamp or body). */
export class CallbackVerificationError extends KlingError {
  override name = 'CallbackVerificationError';
  declare readonly reason: 'missing-signature' | 'bad-signature' | 'stale-timestamp' | 'invalid-body';
  constructor(message: string, reason: CallbackVerificationError['reason']) {
    super(message);
    this.reason = reason;
  }
}

/** Whether a value is an error thrown by this package. */
export function isKlingError(value: unknown): value is KlingError {
  return value instanceof KlingError;
}
