/**
 * Every failure as one line that says what happened and what to do, with its exit code. kie.ai's
 * codes get their meaning from the spec (`describeResponseCode`) and a hint from here; the rate
 * limits quoted come from the contract.
 */
import {
  CreateOutcomeUnknownError,
  isKlingError,
  KlingAbortError,
  KlingApiError,
  KlingConnectionError,
  KlingInputError,
  KlingResponseError,
  KlingTimeoutError,
  TaskFailedError,
  WaitTimeoutError,
} from '@kling-kit/client';
import { describeResponseCode, RATE_LIMITS } from '@kling-kit/contract';
import { CliError } from './errors';
import { EXIT_CODES } from './exit-codes';
import { credits } from './format';

/** What the command knew when the error happened, for a better hint. */
export interface ErrorContext {
  /** The API server used (`--base-url`). */
  baseUrl?: string | undefined;
  /** The task concerned, and how to resume it. */
  taskId?: string | undefined;
  resume?: string | undefined;
  /** The account's balance (read after a 402) and the catalog's price of the request. */
  balance?: number | undefined;
  needed?: number | undefined;
  /** How many times the client retried after a 429 before giving up. */
  rateLimitRetries?: number | undefined;
}

/** An error, explained. */
export interface Explained {
  exitCode: number;
  /** kie.ai's code, or a word (`usage`, `network`, `task-failed`, `create-unknown`, …). */
  code: number | string;
  message: string;
  hint?: string;
}

/** "20 new tasks per 10 s". */
const rate = (limit: { limit: number; windowMs: number }, what: string) =>
  `${limit.limit} ${what} per ${limit.windowMs === 1000 ? 'second' : limit.windowMs > 1000 ? `${limit.windowMs / 1000} s` : `${limit.windowMs} ms`}`;

/** kie.ai's code → exit code and hint. */
function apiHint(
  code: number,
  error: KlingApiError,
  context: ErrorContext,
): { exitCode: number; hint: string } {
  switch (code) {
    case 400:
      return {
        exitCode: EXIT_CODES.usage,
        hint: 'a required parameter is missing: see the message for which',
      };
    case 401:
      return {
        exitCode: EXIT_CODES.account,
        hint: 'check KIE_API_KEY (or --api-key): the key is missing, mistyped or revoked',
      };
    case 402: {
      const balance =
        context.balance === undefined ? '' : `your balance is ${credits(context.balance)} credits`;
      const needed = context.needed === undefined ? '' : `this task needs about ${credits(context.needed)}`;
      const facts = [balance, needed].filter(Boolean).join(', ');
      return {
        exitCode: EXIT_CODES.account,
        hint: `top up your kie.ai credits${facts ? ` (${facts})` : ''}`,
      };
    }
    case 404:
      return {
        exitCode: EXIT_CODES.usage,
        hint: `check --base-url / KIE_BASE_URL${context.baseUrl ? ` (now ${context.baseUrl})` : ''}`,
      };
    case 422:
      return /recordInfo is null/i.test(error.msg)
        ? {
            exitCode: EXIT_CODES.usage,
            hint: 'no such task on this account: check the task id, and that the key is the one that created it',
          }
        : {
            exitCode: EXIT_CODES.usage,
            hint: 'fix the field the message names; the rule is after the colon',
          };
    case 429: {
      const waited =
        error.retryAfterSec !== undefined
          ? `waited as told by Retry-After (${error.retryAfterSec} s)`
          : 'waited';
      const retried = context.rateLimitRetries ? ` and retried ${context.rateLimitRetries} times` : '';
      return {
        exitCode: EXIT_CODES.network,
        hint: `kie.ai allows ${rate(RATE_LIMITS.createTask, 'new tasks')} per account and ${rate(RATE_LIMITS.getTaskRecord, 'queries')} per key; kling ${waited}${retried}: try again in a moment, or check what else uses this key`,
      };
    }
    case 433:
      return {
        exitCode: EXIT_CODES.account,
        hint: "this sub-key reached its usage limit: raise it in kie.ai's key settings, or use another key",
      };
    case 455:
      return { exitCode: EXIT_CODES.network, hint: 'kie.ai is under maintenance: try again later' };
    case 501:
      return {
        exitCode: EXIT_CODES.taskFailed,
        hint: 'the generation failed: try again, or change the prompt or image',
      };
    case 505:
      return { exitCode: EXIT_CODES.account, hint: 'this feature is disabled for your account or key' };
    default:
      return {
        exitCode: EXIT_CODES.network,
        hint: code >= 500 ? 'kie.ai failed to handle the request: try again in a moment' : 'see the message',
      };
  }
}

/** Explains any error thrown while a command ran. */
export function explain(error: unknown, context: ErrorContext = {}): Explained {
  const resume = context.resume ? `; resume with: ${context.resume}` : '';
  if (error instanceof CliError) {
    return {
      exitCode: error.exitCode,
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  if (error instanceof KlingInputError) {
    return {
      exitCode: EXIT_CODES.usage,
      code: 'invalid-input',
      message: `the input breaks the model's rules, nothing was sent:\n${error.issues
        .map((issue) => `  ${issue.path ? `${issue.path}: ` : ''}${issue.message}`)
        .join('\n')}`,
    };
  }
  if (error instanceof KlingApiError) {
    const meaning = describeResponseCode(error.code)?.meaning;
    const { exitCode, hint } = apiHint(error.code, error, context);
    const said = error.msg && error.msg !== meaning ? `: ${error.msg}` : '';
    return {
      exitCode,
      code: error.code,
      message: `kie.ai answered ${error.code}${meaning ? ` (${meaning})` : ''}${said}`,
      hint,
    };
  }
  if (error instanceof CreateOutcomeUnknownError) {
    return {
      exitCode: EXIT_CODES.createUnknown,
      code: 'create-unknown',
      message: `the create request got no clear answer, so the task may or may not exist (${(error.cause as Error | undefined)?.message ?? error.message})`,
      hint: 'it was not sent again, so nothing is paid twice: check your kie.ai task list (or your callback) before creating it again',
    };
  }
  if (error instanceof TaskFailedError) {
    return {
      exitCode: EXIT_CODES.taskFailed,
      code: 'task-failed',
      message: `task ${error.taskId} failed${error.failCode ? ` (${error.failCode})` : ''}${error.failMsg ? `: ${error.failMsg}` : ''}`,
      hint: 'failed tasks cost nothing: try again, or change the prompt or image',
    };
  }
  if (error instanceof WaitTimeoutError) {
    return {
      exitCode: EXIT_CODES.waitTimeout,
      code: 'wait-timeout',
      message: `stopped waiting for task ${error.taskId} after ${Math.round(error.timeoutMs / 1000)} s (last state: ${error.lastState ?? 'unknown'}); it keeps running on kie.ai`,
      hint: `wait longer with --timeout${resume}`,
    };
  }
  if (error instanceof KlingTimeoutError || error instanceof KlingConnectionError) {
    return {
      exitCode: EXIT_CODES.network,
      code: 'network',
      message: `could not reach kie.ai${context.baseUrl ? ` at ${context.baseUrl}` : ''}: ${error.message}`,
      hint: `check your connection and --base-url / KIE_BASE_URL${resume}`,
    };
  }
  if (error instanceof KlingResponseError) {
    return {
      exitCode: EXIT_CODES.network,
      code: 'bad-answer',
      message: `${context.baseUrl ?? 'the server'} did not answer like kie.ai (HTTP ${error.status}): ${error.message}`,
      hint: `check --base-url / KIE_BASE_URL${resume}`,
    };
  }
  if (error instanceof KlingAbortError) {
    return { exitCode: EXIT_CODES.interrupted, code: 'interrupted', message: 'interrupted' };
  }
  if (isKlingError(error)) {
    return { exitCode: EXIT_CODES.usage, code: 'usage', message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT_CODES.taskFailed, code: 'internal', message: `unexpected error: ${message}` };
}
