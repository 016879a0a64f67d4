/**
 * JSON body parsing that always ends in the API's envelope: a wrong Content-Type, malformed JSON or
 * an oversized body answers 422 (400/413 on the upload API), never Express's HTML error page.
 * A small reader of its own: body-parser's generality (charsets, inflation) costs throughput and
 * kie.ai's clients send plain UTF-8 JSON.
 */
import type { RequestHandler } from 'express';
import type { OperationId } from '../state/faults';
import type { MockState } from '../state/mock-state';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';
import { isUpload, sendError } from './operation';

const describeLimit = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} kB`;

/** Whether a Content-Type header is JSON in UTF-8 (`application/json`, optionally `; charset=utf-8`). */
function isJsonType(header: string | undefined): boolean {
  if (!header) {
    return false;
  }
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length);
  return type === 'application/json' && (charset === undefined || charset.replace(/"/g, '') === 'utf-8');
}

/** Parses a JSON body of at most `limitBytes` into `req.body`, answering the envelope on any problem. */
export function jsonBody(state: MockState, operation: OperationId, limitBytes: number): RequestHandler {
  const badRequest = isUpload(operation) ? 400 : 422;
  return (req, res, next) => {
    if (!isJsonType(req.headers['content-type'])) {
      req.resume();
      sendError(state, res, operation, badRequest, {
        msg: `Content-Type must be application/json (got ${req.headers['content-type'] ?? 'none'})`,
      });
      return;
    }
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding !== 'identity') {
      req.resume();
      sendError(state, res, operation, badRequest, { msg: `Content-Encoding ${encoding} is not supported` });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length']) > limitBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        tooLarge = true;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on('error', () => {
      // The client went away; there is nobody to answer.
    });
    req.on('end', () => {
      if (tooLarge) {
        sendError(state, res, operation, isUpload(operation) ? 413 : 422, {
          msg: `Request body too large (limit ${describeLimit(limitBytes)})`,
        });
        return;
      }
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (nestsDeeperThan(text)) {
        sendError(state, res, operation, badRequest, {
          msg: `Request body nests deeper than ${MAX_JSON_DEPTH} levels`,
        });
        return;
      }
      try {
        req.body = JSON.parse(text);
      } catch {
        sendError(state, res, operation, badRequest, { msg: 'Request body is not valid JSON' });
        return;
      }
      next();
    });
  };
}
