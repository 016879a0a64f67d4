/**
 * CORS for the public surface only: the API operations of the spec, the served files and the spec
 * itself, which browser apps on other origins call as they would call kie.ai. Nothing that steers
 * the mock or spends a key gets CORS: `/__admin` (any page could reset or script the mock),
 * `/proxy` (any page could spend the server's key) and `/__playground` answer no preflight and send
 * no `Access-Control-*` header, so browsers keep other origins out.
 */
import { findOperation, OPERATIONS } from '@kling-kit/contract';
import type { RequestHandler } from 'express';

const OPERATION_PATHS = new Set<string>(OPERATIONS.map((operation) => operation.path));

/** Whether a path may be called from another origin. */
export function isCrossOriginPath(method: string, path: string): boolean {
  if (path.startsWith('/files/') || path === '/openapi.json' || path === '/openapi.yaml') {
    return true;
  }
  // A preflight asks for the method it will send; any method of a spec path may be preflighted.
  return method === 'OPTIONS' ? OPERATION_PATHS.has(path) : findOperation(method, path) !== undefined;
}

/** Adds CORS headers to the public paths and answers their preflights; other paths get neither. */
export function crossOriginApi(): RequestHandler {
  return (req, res, next) => {
    if (!req.headers.origin || !isCrossOriginPath(req.method, req.path)) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Prefer');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, Content-Range, Accept-Ranges');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}
