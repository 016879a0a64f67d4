/**
 * One JSON line per request: time, method, path, HTTP status, envelope code, duration and the
 * account's hashed id. Never a key, a body or a header.
 */
import type { RequestHandler } from 'express';
import type { OperationLocals } from './operation';

export function requestLog(write: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const locals = res.locals as Partial<OperationLocals>;
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          method: req.method,
          path: req.path,
          status: res.statusCode,
          code: locals.envelopeCode,
          operation: locals.operation,
          account: locals.accountId,
          ms: Math.round((performance.now() - started) * 10) / 10,
        }),
      );
    });
    next();
  };
}
