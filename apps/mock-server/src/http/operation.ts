/**
 * The steps every API operation shares, in kie.ai's order: scripted faults and `Prefer: code=…`,
 * then auth (401), then kie.ai's rate limits (429), then the handler.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type Account, accountIdOf } from '../state/accounts';
import type { Fault, OperationId } from '../state/faults';
import type { MockState } from '../state/mock-state';
import { type AnswerInfo, isFinalStatus, sendEnvelope, sendUploadEnvelope } from './envelope';

/** What the operation steps leave on `res.locals` for the handler and the request log. */
export interface OperationLocals extends AnswerInfo {
  operation: OperationId;
  account: Account;
  accountId?: string;
}

const UPLOADS: readonly OperationId[] = ['uploadFileStream', 'uploadFileBase64', 'uploadFileFromUrl'];

/** Whether an operation belongs to the upload API (its own envelope and HTTP statuses). */
export const isUpload = (operation: OperationId): boolean => UPLOADS.includes(operation);

const accountIds = new Map<string, string>();

/** The hashed account id of a token, cached (hashing on every request costs throughput). */
function cachedAccountId(token: string): string {
  let id = accountIds.get(token);
  if (id === undefined) {
    if (accountIds.size >= 10_000) {
      accountIds.clear();
    }
    id = accountIdOf(token);
    accountIds.set(token, id);
  }
  return id;
}

/** The bearer token of a request, or undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  const token = match?.[1]?.trim();
  return token ? token : undefined;
}

/** Sends an error in the operation's own envelope. */
export function sendError(
  state: MockState,
  res: Response,
  operation: OperationId,
  code: number,
  options: { msg?: string; httpStatus?: number; retryAfterSec?: number } = {},
): void {
  if (options.retryAfterSec !== undefined) {
    res.setHeader('Retry-After', String(options.retryAfterSec));
  }
  if (isUpload(operation)) {
    sendUploadEnvelope(res, code, options);
  } else {
    sendEnvelope(res, code, { ...options, mirror: state.settings.httpStatusMirror });
  }
}

/**
 * `Prefer: code=402` (Prism's convention) forces that answer for one request. A code that cannot be
 * a final answer (below 200) is ignored, as RFC 7240 asks of a preference that cannot be honoured.
 */
function preferredCode(req: Request): number | undefined {
  const match = /(?:^|[,;\s])code\s*=\s*"?(\d{3})"?/i.exec(String(req.headers.prefer ?? ''));
  const code = match ? Number(match[1]) : undefined;
  return code !== undefined && isFinalStatus(code) ? code : undefined;
}

function applyFault(
  state: MockState,
  fault: Fault,
  req: Request,
  res: Response,
  operation: OperationId,
  next: NextFunction,
) {
  const act = (): void => {
    if (fault.drop) {
      req.socket.destroy();
      return;
    }
    if (fault.rawBody !== undefined) {
      (res.locals as AnswerInfo).envelopeCode = undefined;
      res
        .status(fault.httpStatus ?? 502)
        .type('text/html')
        .send(fault.rawBody);
      return;
    }
    if (fault.code !== undefined) {
      const options: { msg?: string; httpStatus?: number; retryAfterSec?: number } = {};
      if (fault.msg !== undefined) {
        options.msg = fault.msg;
      }
      if (fault.httpStatus !== undefined) {
        options.httpStatus = fault.httpStatus;
      }
      if (fault.retryAfterSec !== undefined) {
        options.retryAfterSec = fault.retryAfterSec;
      }
      sendError(state, res, operation, fault.code, options);
      return;
    }
    if (fault.httpStatus !== undefined) {
      res.status(fault.httpStatus).end();
      return;
    }
    next();
  };
  if (fault.delayMs) {
    // Outside Express's own try/catch: an error here must reach the error handler, not the process.
    const timer = setTimeout(() => {
      try {
        act();
      } catch (error) {
        next(error);
      }
    }, fault.delayMs);
    res.on('close', () => clearTimeout(timer));
  } else {
    act();
  }
}

/** The shared steps of one operation, to put before its handler. */
export function operationSteps(state: MockState, operation: OperationId): RequestHandler {
  return (req, res, next) => {
    const locals = res.locals as OperationLocals;
    locals.operation = operation;
    const token = bearerToken(req);
    locals.accountId = token ? cachedAccountId(token) : undefined;

    const forced = preferredCode(req);
    if (forced !== undefined && forced !== 200) {
      sendError(state, res, operation, forced);
      return;
    }
    const taskId = typeof req.query.taskId === 'string' ? req.query.taskId : undefined;
    const fault = state.faults.take({ operation, taskId, accountId: locals.accountId });
    const proceed: NextFunction = (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      const account = state.accounts.authenticate(token);
      if (!account) {
        if (isUpload(operation)) {
          sendUploadEnvelope(res, 401, { msg: 'Authentication failed: Invalid API Key' });
        } else {
          sendEnvelope(res, 401, { mirror: state.settings.httpStatusMirror });
        }
        return;
      }
      locals.account = account;
      if (state.settings.rateLimit && (operation === 'createTask' || operation === 'getTaskRecord')) {
        const limiter = operation === 'createTask' ? account.createLimiter : account.queryLimiter;
        const verdict = limiter.tryAcquire(state.clock.now());
        if (!verdict.ok) {
          sendEnvelope(res, 429, {
            mirror: state.settings.httpStatusMirror,
            retryAfterSec: Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)),
          });
          return;
        }
      }
      next();
    };
    if (fault) {
      applyFault(state, fault, req, res, operation, proceed);
    } else {
      proceed();
    }
  };
}
