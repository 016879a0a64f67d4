/** Answers in kie.ai's envelopes: `{code, msg, data}` for the API, plus `success` for the upload API. */
import { describeResponseCode } from '@kling-kit/contract';
import type { Response } from 'express';

/** The message kie.ai sends with a code, where documented; else the code's meaning from the spec. */
const KNOWN_MESSAGES: Readonly<Record<number, string>> = {
  401: 'You do not have access permissions',
  429: 'Rate limit exceeded',
};

/** The default `msg` for an envelope code. */
export function messageFor(code: number): string {
  return KNOWN_MESSAGES[code] ?? describeResponseCode(code)?.meaning ?? `Error ${code}`;
}

/** Whether `status` can be a final HTTP answer (200–599; a 1xx is only ever interim). */
export function isFinalStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 599;
}

/**
 * The HTTP status of an envelope: kie.ai answers business errors with HTTP 200 and rate limiting
 * with 429; in mirror mode the status is the code.
 */
export function httpStatusFor(code: number, mirror: boolean): number {
  if (code === 200 || code === 429) {
    return code;
  }
  return mirror && isFinalStatus(code) ? code : 200;
}

/** What the request log reads back from an answer. */
export interface AnswerInfo {
  envelopeCode?: number;
}

/** Sends `{code, msg, data}`. */
export function sendEnvelope(
  res: Response,
  code: number,
  options: { msg?: string; data?: unknown; mirror: boolean; httpStatus?: number; retryAfterSec?: number },
): void {
  (res.locals as AnswerInfo).envelopeCode = code;
  if (options.retryAfterSec !== undefined) {
    res.setHeader('Retry-After', String(options.retryAfterSec));
  }
  res
    .status(options.httpStatus ?? httpStatusFor(code, options.mirror))
    .json({ code, msg: options.msg ?? messageFor(code), data: options.data ?? null });
}

/** Sends the upload API's `{success, code, msg, data}`; its errors carry real HTTP statuses. */
export function sendUploadEnvelope(
  res: Response,
  code: number,
  options: { msg?: string; data?: unknown; httpStatus?: number } = {},
): void {
  (res.locals as AnswerInfo).envelopeCode = code;
  res
    .status(options.httpStatus ?? (isFinalStatus(code) ? code : 500))
    .json({ success: code === 200, code, msg: options.msg ?? messageFor(code), data: options.data ?? null });
}
