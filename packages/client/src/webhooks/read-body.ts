/** Reading a request body up to a size limit, from a Fetch stream or a Node request (private helper). */

/** Joins a body's chunks and decodes them as UTF-8; `undefined` when it exceeds `limit` bytes. */
export async function collectBody(
  chunks: AsyncIterable<Uint8Array | string>,
  limit: number,
): Promise<string | undefined> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    size += bytes.byteLength;
    // Past the limit, the rest is read and dropped rather than the stream broken off: breaking a
    // Node request's iteration destroys its socket, and the sender would get no 413 answer.
    if (size <= limit) {
      parts.push(bytes);
    }
  }
  if (size > limit) {
    return undefined;
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(body);
}

/** A Fetch body stream as an async iterable (not every runtime makes `ReadableStream` one). */
export async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return;
      }
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
