/**
 * One request and answer that went through the proxy, as the drift tools keep it: JSON bodies
 * parsed (readable in a cassette), other text kept as text, binary and multipart bodies left out,
 * and every key redacted. The Authorization header is never part of it.
 */
import type { OperationId } from '@kling-kit/contract';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../http/json-depth';
import { redactText, redactValue } from './redact';

/** A body as kept: parsed JSON, text, or a note saying why it was left out. */
export interface KeptBody {
  json?: unknown;
  text?: string;
  omitted?: string;
}

/** One proxied exchange, redacted. Times are on the mock clock (Unix ms). */
export interface Exchange {
  /** The operation, or `receiveTaskCallback` for a callback kie.ai POSTed to `/__validate/callback`. */
  operationId: OperationId | 'receiveTaskCallback';
  method: string;
  path: string;
  /** The query parameters forwarded (recordInfo: `taskId`). */
  query: Record<string, string>;
  request: { contentType?: string; body?: KeptBody };
  answer: { status: number; contentType?: string; body?: KeptBody };
  at: number;
}

/** Bodies kept up to this size; kie.ai's JSON envelopes are far smaller. */
export const KEPT_BODY_BYTES = 1024 * 1024;

/** The kept form of a body, or undefined when there is none. */
export function keepBody(
  bytes: Buffer | undefined,
  contentType: string | undefined,
  keys: readonly string[],
): KeptBody | undefined {
  if (bytes === undefined) {
    return { omitted: 'streamed answer over 1 MB' };
  }
  if (bytes.length === 0) {
    return undefined;
  }
  if (bytes.length > KEPT_BODY_BYTES) {
    return { omitted: `${bytes.length} bytes` };
  }
  if (contentType && /^multipart\//i.test(contentType)) {
    // A file upload: its bytes do not belong in a readable cassette (and its boundary differs per request).
    return { omitted: `multipart body, ${bytes.length} bytes` };
  }
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    return { omitted: `${bytes.length} bytes of binary` };
  }
  if (nestsDeeperThan(text)) {
    // Deep nesting is cheap to send and overflows every recursive walk (redaction, checks, cassettes).
    return { omitted: `JSON nested deeper than ${MAX_JSON_DEPTH} levels, ${bytes.length} bytes` };
  }
  try {
    return { json: redactValue(JSON.parse(text) as unknown, keys) };
  } catch {
    return { text: redactText(text, keys) };
  }
}

/** The query of a proxied call (`?taskId=…` or '') as an object. */
export function queryOf(query: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(query.replace(/^\?/, '')));
}
