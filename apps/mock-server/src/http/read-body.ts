/** Reading a whole request body with a size cap, for the routes that take raw bytes. */
import type { IncomingMessage } from 'node:http';

/**
 * The body of `req`, or `'too-large'` as soon as it passes `limitBytes` (announced or sent).
 * Throws when the client went away mid-body, so half a request is never acted on.
 */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer | 'too-large'> {
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) {
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      return 'too-large';
    }
    chunks.push(chunk);
  }
  if (!req.complete) {
    throw new Error('incomplete request body');
  }
  return Buffer.concat(chunks);
}
