/**
 * The proxy's two hops: the request to kie.ai and its answer back, without holding the answer in
 * memory. Answers up to 1 MB (any JSON envelope of kie.ai) are read whole first, so an upstream that
 * drops within them still gets a clean 502 envelope; longer ones are streamed with backpressure (the
 * upstream is read only as fast as the client takes it) and the client connection is cut if the
 * upstream drops or the answer passes 32 MB. An answer announcing more than 32 MB is refused before
 * anything is sent. node:http rather than fetch: Node streams end to end, no copy per chunk.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

/** Largest answer relayed. kie.ai's API answers are small JSON envelopes; this is generous. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/** Answers up to this size are read whole before the status goes out. */
export const BUFFERED_ANSWER_BYTES = 1024 * 1024;
/** Response headers passed back; everything else (cookies, caching, hop-by-hop) stays upstream. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-encoding', 'retry-after', 'x-request-id'];

const ignore = () => undefined;

/** Sends one request upstream; resolves with the answer once its head arrived. */
export function sendUpstream(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: Buffer; signal: AbortSignal },
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = init.body ? { ...init.headers, 'content-length': String(init.body.length) } : init.headers;
  return new Promise((resolve, reject) => {
    const outgoing = send(url, { method: init.method, headers, signal: init.signal }, (answer) => {
      // Errors after this point surface through the answer stream; none may go unheard.
      answer.on('error', ignore);
      resolve(answer);
    });
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

/** Why nothing was relayed (the caller answers an envelope), or undefined when the answer went out. */
export type RelayFailure = 'too-large' | 'dropped';

class AnswerTooLarge extends Error {}

function writeHead(upstream: IncomingMessage, res: Response): void {
  res.status(upstream.statusCode ?? 502);
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers[name];
    if (typeof value === 'string') {
      res.setHeader(name, value);
    }
  }
  res.setHeader('Cache-Control', 'no-store');
  // The answer is served from this origin: never let a browser sniff it into something runnable.
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/**
 * Relays `upstream` to `res`; see the module comment for the limits. Never throws. `onAnswer` gets
 * the whole answer when it was read whole (up to 1 MB), undefined when it was streamed.
 */
export async function relayAnswer(
  upstream: IncomingMessage,
  res: Response,
  onAnswer?: (body: Buffer | undefined) => void,
): Promise<RelayFailure | undefined> {
  if (Number(upstream.headers['content-length'] ?? 0) > MAX_ANSWER_BYTES) {
    upstream.destroy();
    return 'too-large';
  }
  const chunks = upstream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    const head: Buffer[] = [];
    let size = 0;
    try {
      while (size <= BUFFERED_ANSWER_BYTES) {
        const { done, value } = await chunks.next();
        if (done) {
          writeHead(upstream, res);
          const whole = Buffer.concat(head);
          res.end(whole);
          onAnswer?.(whole);
          return undefined;
        }
        head.push(value);
        size += value.length;
      }
    } catch {
      return 'dropped';
    }
    if (size > MAX_ANSWER_BYTES) {
      return 'too-large';
    }
    writeHead(upstream, res);
    async function* rest(): AsyncGenerator<Buffer> {
      yield* head.splice(0);
      let total = size;
      for (;;) {
        const { done, value } = await chunks.next();
        if (done) {
          return;
        }
        total += value.length;
        if (total > MAX_ANSWER_BYTES) {
          throw new AnswerTooLarge();
        }
        yield value;
      }
    }
    try {
      await pipeline(rest(), res);
      onAnswer?.(undefined);
    } catch {
      // Headers are out: the only honest signal left is a cut connection (the client sees a truncated answer).
      res.destroy();
    }
    return undefined;
  } finally {
    upstream.destroy();
  }
}
