/**
 * JSON body parsing that always ends in the API's envelope: a wrong Content-Type, malformed JSON or
 * an oversized body answers 422 (413 on the upload API), never Express's HTML error page.
 */
import express, { type RequestHandler } from 'express';
import type { OperationId } from '../state/faults';
import type { MockState } from '../state/mock-state';
import { isUpload, sendError } from './operation';

interface BodyParserError {
  type?: string;
  limit?: number;
}

const describeLimit = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} kB`;

/** Parses a JSON body of at most `limitBytes`, answering the envelope on any problem. */
export function jsonBody(state: MockState, operation: OperationId, limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: false });
  const badRequest = isUpload(operation) ? 400 : 422;
  return (req, res, next) => {
    if (!req.is('application/json')) {
      sendError(state, res, operation, badRequest, {
        msg: `Content-Type must be application/json (got ${req.headers['content-type'] ?? 'none'})`,
      });
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (!error) {
        next();
        return;
      }
      const type = (error as BodyParserError).type;
      if (type === 'entity.too.large') {
        sendError(state, res, operation, isUpload(operation) ? 413 : 422, {
          msg: `Request body too large (limit ${describeLimit(limitBytes)})`,
        });
      } else if (type === 'entity.parse.failed') {
        sendError(state, res, operation, badRequest, { msg: 'Request body is not valid JSON' });
      } else {
        sendError(state, res, operation, badRequest, { msg: 'Request body could not be read' });
      }
    });
  };
}
