/**
 * One JSON line per request (`aborted: true` when the connection ended before the answer): time,
 * method, path, HTTP status, envelope code, duration and the
 * account's hashed id. Never a key, a body or a header.
 */
import type { RequestHandler } from 'express';
import type { OperationLocals } from './operation';

export function requestLog(write: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    let logged = false;
    // 'finish' when the answer went out; 'close' alone when the connection ended first (a failed
    // upload, a dropped client, a fault's `drop`): every request gets its line either way.
    const log = () => {
      if (logged) {
        return;
      }
      logged = true;
      const locals = res.locals as Partial<OperationLocals>;
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          method: req.method,
          path: req.path,
          status: res.writableFinished ? res.statusCode : null,
          ...(res.writableFinished ? {} : { aborted: true }),
          code: locals.envelopeCode,
          operation: locals.operation,
          account: locals.accountId,
          ms: Math.round((performance.now() - started) * 10) / 10,
        }),
      );
    };
    res.on('finish', log);
    res.on('close', log);
    next();
  };
}
