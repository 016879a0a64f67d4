/**
 * The Node callback handler with stand-ins for `IncomingMessage` and `ServerResponse`: where it
 * finds the body (the stream, or what a body parser left in `req.body`), and how it writes the
 * answer. Real servers (node:http, Express) are in test/integration/webhook-handler.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  createNodeCallbackHandler,
  type NodeCallbackRequest,
  type NodeCallbackResponse,
  signCallback,
} from '../../src/webhooks';
import { recordIn, TASK_ID } from './fake-fetch';

const SECRET = 'whk_node_5a7c';
const PAYLOAD = {
  code: 200,
  msg: 'Playground task completed successfully – “vidéo” prête', // multi-byte characters
  data: { ...recordIn('success'), consumeCredits: 50, remainedCredits: 1000 },
};
const TEXT = JSON.stringify(PAYLOAD);

interface FakeRequest extends NodeCallbackRequest {
  /** Whether the handler read the stream. */
  readonly streamRead: () => boolean;
}

/** A request whose stream yields `chunks`; `extra` sets `body`, `readableEnded`, `method`. */
async function request(
  chunks: (Uint8Array | string)[],
  extra: { body?: unknown; readableEnded?: boolean; method?: string | undefined } = {},
): Promise<FakeRequest> {
  let read = false;
  const headers = await signCallback(TASK_ID, SECRET);
  return {
    method: 'method' in extra ? extra.method : 'POST',
    headers: {
      'content-type': 'application/json',
      ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    },
    ...('body' in extra ? { body: extra.body } : {}),
    ...('readableEnded' in extra ? { readableEnded: extra.readableEnded } : {}),
    streamRead: () => read,
    async *[Symbol.asyncIterator]() {
      read = true;
      yield* chunks;
    },
  };
}

/** Splits the payload's bytes into small chunks, cutting multi-byte characters in two. */
const byteChunks = () => {
  const bytes = new TextEncoder().encode(TEXT);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += 7) {
    chunks.push(bytes.subarray(offset, offset + 7));
  }
  return chunks;
};

function response() {
  const headers: Record<string, string> = {};
  let body = '';
  const res: NodeCallbackResponse & { headers: typeof headers; json: () => unknown } = {
    statusCode: 0,
    headers,
    setHeader: (name, value) => {
      headers[name.toLowerCase()] = value;
    },
    end: (chunk) => {
      body = chunk;
    },
    json: () => JSON.parse(body),
  };
  return res;
}

async function run(req: NodeCallbackRequest, maxBodyBytes?: number) {
  const onCallback = vi.fn();
  const handler = createNodeCallbackHandler({
    secret: SECRET,
    onCallback,
    onError: () => {},
    ...(maxBodyBytes ? { maxBodyBytes } : {}),
  });
  const res = response();
  await handler(req, res);
  return {
    status: res.statusCode,
    body: res.json() as { message?: string },
    headers: res.headers,
    onCallback,
  };
}

describe('createNodeCallbackHandler finds the body', () => {
  it('in the raw stream, decoding UTF-8 split across chunks', async () => {
    const req = await request(byteChunks(), { readableEnded: false });
    const answer = await run(req);
    expect(answer).toMatchObject({ status: 200, body: { received: true } });
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.onCallback.mock.calls[0]?.[0].callback.msg).toBe(PAYLOAD.msg);
    expect(req.streamRead()).toBe(true);
  });

  it.each([
    ['an object from express.json()', PAYLOAD],
    ['a Buffer from express.raw()', Buffer.from(TEXT)],
    ['a string from express.text()', TEXT],
  ])('in req.body: %s, without touching the consumed stream', async (_title, body) => {
    const req = await request([], { body, readableEnded: true });
    const answer = await run(req);
    expect(answer.status).toBe(200);
    expect(answer.onCallback.mock.calls[0]?.[0].task.taskId).toBe(TASK_ID);
    expect(req.streamRead()).toBe(false);
  });

  it('in the stream when a parser skipped the content type and left {} (Express 4)', async () => {
    const req = await request([TEXT], { body: {}, readableEnded: false });
    expect((await run(req)).status).toBe(200);
    expect(req.streamRead()).toBe(true);
  });

  it('nowhere when something consumed the stream and left no body: 500 body-unavailable', async () => {
    const req = await request([TEXT], { readableEnded: true });
    const answer = await run(req);
    expect(answer).toMatchObject({ status: 500, body: { error: 'body-unavailable' } });
    expect(answer.body.message).toContain('express.json()');
    expect(answer.onCallback).not.toHaveBeenCalled();
  });

  it.each([
    ['stream', () => request(byteChunks())],
    ['Buffer', () => request([], { body: Buffer.from(TEXT), readableEnded: true })],
    ['string', () => request([], { body: TEXT, readableEnded: true })],
  ])('answers 413 for a %s body past maxBodyBytes', async (_title, make) => {
    expect(await run(await make(), 64)).toMatchObject({ status: 413, body: { error: 'payload-too-large' } });
  });
});

describe('createNodeCallbackHandler answers', () => {
  it.each([['GET'], [undefined]])('405 with Allow: POST to method %s', async (method) => {
    const answer = await run(await request([TEXT], { method }));
    expect(answer).toMatchObject({ status: 405, headers: { allow: 'POST' } });
  });

  it('without rejecting when the response cannot be written', async () => {
    const handler = createNodeCallbackHandler({ secret: SECRET, onCallback: () => {}, onError: () => {} });
    const res: NodeCallbackResponse = {
      statusCode: 0,
      setHeader: () => {
        throw new Error('ERR_HTTP_HEADERS_SENT');
      },
      end: () => {},
    };
    await expect(handler(await request([TEXT]), res)).resolves.toBeUndefined();
  });
});
