/**
 * Turns anything the client throws into what a newcomer needs: the envelope code, its meaning from
 * the spec, and what to do about it.
 */
import {
  KlingApiError,
  KlingConnectionError,
  KlingError,
  KlingInputError,
  KlingTimeoutError,
} from '@kling-kit/client';
import { describeResponseCode } from '@kling-kit/contract';

/** An error, explained. */
export interface ExplainedError {
  /** One line: what went wrong. */
  readonly title: string;
  /** The envelope's business code, for API errors. */
  readonly code?: number;
  /** The code's name in the spec (`InsufficientCredits`). */
  readonly name?: string;
  /** The code's meaning, from the spec. */
  readonly meaning?: string;
  /** The server's own message. */
  readonly msg?: string;
  /** What to do next. */
  readonly advice: string;
}

/** What to do about each business code, keyed by the spec's names for them. */
const ADVICE: Readonly<Record<string, string>> = {
  BadRequest: 'A required parameter is missing: check the request against the API reference.',
  Unauthorized: 'Check the API key. On the mock any non-empty key works unless it runs with --api-key.',
  InsufficientCredits:
    'Top up credits on kie.ai, or choose a shorter duration. On the mock, set a balance with POST /__admin/credits.',
  NotFound: 'Check the base URL and the task id; tasks are kept for a limited time.',
  ValidationError: 'Fix the field named in the message, then generate again.',
  RateLimited: 'Wait a few seconds (see Retry-After) before the next request.',
  SubKeyLimitExceeded: "Raise the sub-key's limit in the kie.ai dashboard, or use another key.",
  ServiceUnavailable: 'kie.ai is under maintenance: try again later.',
  ServerError: 'A server-side failure: try again; if it persists, report the task id.',
  GenerationFailed: 'The generation failed: change the prompt or image and try again.',
  FeatureDisabled: 'This feature is disabled for the account: contact kie.ai support.',
};

/** Explains an error thrown by the client (or anything else). */
export function explainError(error: unknown): ExplainedError {
  if (error instanceof KlingApiError) {
    const info = describeResponseCode(error.code);
    return {
      title: `The API answered code ${error.code}${info ? ` (${info.name})` : ''}`,
      code: error.code,
      ...(info ? { name: info.name, meaning: info.meaning } : {}),
      msg: error.msg,
      advice: (info && ADVICE[info.name]) ?? 'See the API reference for this code.',
    };
  }
  if (error instanceof KlingInputError) {
    return {
      title: 'The request does not match the contract',
      msg: error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
      advice: 'Fix the fields marked in the form.',
    };
  }
  if (error instanceof KlingTimeoutError || error instanceof KlingConnectionError) {
    return {
      title: 'The server could not be reached',
      msg: error.message,
      advice: 'Check the base URL and that the server (kling-mock, or the proxy) is running.',
    };
  }
  if (error instanceof KlingError) {
    return { title: error.name, msg: error.message, advice: 'See the message above.' };
  }
  return {
    title: 'Unexpected error',
    msg: error instanceof Error ? error.message : String(error),
    advice: 'Reload the page and try again.',
  };
}
