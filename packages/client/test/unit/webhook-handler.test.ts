/**
 * The Fetch callback handler called directly with `Request`s (no server): the answers the
 * integration tests cannot provoke through the mock (size limits, stale timestamps, a failing
 * store, a misconfiguration) and the contract of its options. The mock's real deliveries are in
 * test/integration/webhook-handler.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KlingError } from '../../src/index';
import {
  type CallbackEvent,
  type CallbackHandlerOptions,
  type CallbackStore,
  createCallbackHandler,
  createMemoryCallbackStore,
  createNodeCallbackHandler,
  signCallback,
} from '../../src/webhooks';
import { client, failure, fakeFetch, ok, recordIn, TASK_ID } from './fake-fetch';

const SECRET = 'whk_unit_9d1e';
const CALLBACK_URL = 'http://127.0.0.1:8787/kie-callback';
const payload = (state: 'success' | 'fail' = 'success', taskId = TASK_ID) => ({
  code: state === 'success' ? 200 : 501,
  msg: 'Playground task completed successfully.',
  data: { ...recordIn(state, { taskId }), consumeCredits: 50, remainedCredits: 1000 },
});

async function delivery(
  options: {
    body?: string | ReadableStream<Uint8Array>;
    taskId?: string;
    secret?: string;
    timestampSec?: number;
    method?: string;
  } = {},
): Promise<Request> {
  const taskId = options.taskId ?? TASK_ID;
  const headers = await signCallback(taskId, options.secret ?? SECRET, options.timestampSec);
  return new Request(CALLBACK_URL, {
    method: options.method ?? 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: options.body ?? JSON.stringify(payload('success', taskId)),
    duplex: 'half', // needed by a stream body
  } as RequestInit);
}

type Options = CallbackHandlerOptions;
function setup(overrides: Partial<Options> = {}) {
  const onCallback = vi.fn<(event: CallbackEvent) => Promise<void>>(async () => {});
  const onError = vi.fn();
  const handler = createCallbackHandler({ secret: SECRET, onCallback, onError, ...overrides });
  const send = async (request: Request | Promise<Request> = delivery()) => {
    const response = await handler(await request);
    return { status: response.status, body: await response.json(), headers: response.headers };
  };
  return { onCallback, onError, send };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createCallbackHandler', () => {
  it('answers 200 with JSON once the function resolved, and the event holds the parsed callback', async () => {
    const { onCallback, send } = setup();
    const answer = await send();
    expect(answer).toMatchObject({ status: 200, body: { received: true } });
    expect(answer.headers.get('content-type')).toBe('application/json');
    const [event] = onCallback.mock.calls[0] as [CallbackEvent];
    expect(event).toMatchObject({ confirmed: false, callback: { code: 200 }, task: { taskId: TASK_ID } });
  });

  it('waits for the function before answering', async () => {
    let finished = false;
    const { send } = setup({
      onCallback: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
      },
    });
    await send();
    expect(finished).toBe(true);
  });

  it('answers 405 with Allow: POST to other methods, without reading anything', async () => {
    const { onCallback, send } = setup();
    for (const method of ['GET', 'PUT', 'HEAD']) {
      const request = new Request(CALLBACK_URL, { method });
      const response = await createCallbackHandler({ secret: SECRET, onCallback, onError: () => {} })(
        request,
      );
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
    expect((await send(delivery({ method: 'PATCH' }))).body).toMatchObject({ error: 'method-not-allowed' });
    expect(onCallback).not.toHaveBeenCalled();
  });

  it('answers 413 past maxBodyBytes, declared or streamed', async () => {
    const { onCallback, send } = setup({ maxBodyBytes: 100 });
    expect(await send()).toMatchObject({ status: 413, body: { error: 'payload-too-large' } });
    const declared = await delivery({ body: '{}' });
    declared.headers.set('Content-Length', '5000');
    expect(await send(declared)).toMatchObject({ status: 413, body: { error: 'payload-too-large' } });
    const body = JSON.stringify(payload());
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body.slice(0, 60)));
        controller.enqueue(new TextEncoder().encode(body.slice(60)));
        controller.close();
      },
    });
    const request = await delivery({ body: chunked });
    expect(request.headers.get('content-length')).toBeNull();
    expect(await send(request)).toMatchObject({ status: 413 });
    expect(onCallback).not.toHaveBeenCalled();
    expect(await setup({ maxBodyBytes: body.length }).send()).toMatchObject({ status: 200 });
  });

  it('answers 401 to a stale timestamp, within toleranceSec otherwise', async () => {
    const old = Math.floor(Date.now() / 1000) - 120;
    expect(await setup().send(delivery({ timestampSec: old }))).toMatchObject({ status: 200 });
    const strict = setup({ toleranceSec: 60 });
    expect(await strict.send(delivery({ timestampSec: old }))).toMatchObject({
      status: 401,
      body: { error: 'stale-timestamp' },
    });
    expect(strict.onCallback).not.toHaveBeenCalled();
  });

  it('answers 500 body-unavailable to a request whose body was already read', async () => {
    const request = await delivery();
    await request.text();
    expect(await setup().send(request)).toMatchObject({ status: 500, body: { error: 'body-unavailable' } });
  });

  it('answers 400 to an empty body', async () => {
    expect(await setup().send(delivery({ body: '' }))).toMatchObject({
      status: 400,
      body: { error: 'invalid-body' },
    });
  });

  it('de-duplicates by taskId and state: a fail callback after a success one is a new callback', async () => {
    const store = createMemoryCallbackStore();
    const claim = vi.spyOn(store, 'claim');
    const { onCallback, send } = setup({ store });
    await send();
    expect(await send()).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    const headers = await signCallback(TASK_ID, SECRET);
    await send(new Request(CALLBACK_URL, { method: 'POST', headers, body: JSON.stringify(payload('fail')) }));
    expect(claim.mock.calls.map(([key]) => key)).toEqual([
      `${TASK_ID}:success`,
      `${TASK_ID}:success`,
      `${TASK_ID}:fail`,
    ]);
    expect(onCallback).toHaveBeenCalledTimes(2);
  });

  it('calls the function once for concurrent deliveries: the others are 409 in-progress', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const onCallback = vi.fn(() => gate);
    const { send } = setup({ onCallback });
    const first = send();
    // Verification is asynchronous: let the first delivery claim the callback before the others arrive.
    await vi.waitFor(() => expect(onCallback).toHaveBeenCalledTimes(1), { timeout: 15_000 });
    const others = await Promise.all([send(), send()]);
    expect(others).toEqual([
      expect.objectContaining({ status: 409, body: expect.objectContaining({ error: 'in-progress' }) }),
      expect.objectContaining({ status: 409 }),
    ]);
    release();
    expect((await first).status).toBe(200);
    expect((await send()).body).toEqual({ received: true, duplicate: true });
    expect(onCallback).toHaveBeenCalledTimes(1);
  });

  it('releases the claim when the function fails, so the retry calls it again', async () => {
    const { onCallback, onError, send } = setup();
    const error = new Error('boom');
    onCallback.mockRejectedValueOnce(error);
    expect(await send()).toMatchObject({ status: 500, body: { error: 'handler-failed' } });
    // The function's error stays on the server: the answer does not quote it.
    expect(JSON.stringify((await send()).body)).not.toContain('boom');
    expect(onCallback).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenCalledWith(error, { status: 500, code: 'handler-failed', taskId: TASK_ID });
  });

  it('with store: false, calls the function for every delivery', async () => {
    const { onCallback, send } = setup({ store: false });
    await send();
    await send();
    expect(onCallback).toHaveBeenCalledTimes(2);
  });

  it('answers 500 when the store fails to claim, and 200 when only recording the success fails', async () => {
    const broken = (overrides: Partial<CallbackStore>): CallbackStore => ({
      claim: () => 'claimed',
      complete: () => {},
      release: () => {},
      ...overrides,
    });
    const down = setup({ store: broken({ claim: () => Promise.reject(new Error('redis down')) }) });
    expect(await down.send()).toMatchObject({ status: 500, body: { error: 'store-failed' } });
    expect(down.onCallback).not.toHaveBeenCalled();

    const forgetful = setup({ store: broken({ complete: () => Promise.reject(new Error('redis down')) }) });
    expect(await forgetful.send()).toMatchObject({ status: 200 });
    expect(forgetful.onError).toHaveBeenCalledWith(expect.any(Error), {
      status: 200,
      code: 'store-failed',
      taskId: TASK_ID,
    });

    const stuck = setup({ store: broken({ release: () => Promise.reject(new Error('redis down')) }) });
    stuck.onCallback.mockRejectedValueOnce(new Error('boom'));
    expect(await stuck.send()).toMatchObject({ status: 500, body: { error: 'handler-failed' } });
  });

  it('with confirm, hands over the record and checks its id and state against the callback', async () => {
    const fake = fakeFetch(() => ok(recordIn('success')));
    const confirmed = setup({ confirm: client(fake) });
    expect(await confirmed.send()).toMatchObject({ status: 200 });
    const [event] = confirmed.onCallback.mock.calls[0] as [CallbackEvent];
    expect(event.confirmed).toBe(true);
    expect(event.task).toMatchObject({ taskId: TASK_ID, state: 'success' });
    expect(event.task.raw).not.toHaveProperty('consumeCredits'); // recordInfo's, not the body's
    expect(fake.callsTo('/api/v1/jobs/recordInfo')).toHaveLength(1);

    const other = setup({ confirm: client(fakeFetch(() => ok(recordIn('success', { taskId: 'other' })))) });
    expect(await other.send()).toMatchObject({ status: 409, body: { error: 'state-mismatch' } });
    const failed = setup({ confirm: client(fakeFetch(() => ok(recordIn('fail')))) });
    expect(await failed.send()).toMatchObject({ status: 409, body: { error: 'state-mismatch' } });
    expect(failed.onCallback).not.toHaveBeenCalled();
  });

  it('with confirm, answers 502 when recordInfo fails, and releases the claim', async () => {
    const fake = fakeFetch((_request, index) => (index === 0 ? failure(422) : ok(recordIn('success'))));
    const { onCallback, send } = setup({ confirm: client(fake, { maxRetries: 0 }) });
    expect(await send()).toMatchObject({ status: 502, body: { error: 'confirm-failed' } });
    expect(await send()).toMatchObject({ status: 200 });
    expect(onCallback).toHaveBeenCalledTimes(1);
  });

  it('logs through console.error by default, except answers about the request itself', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const onCallback = vi.fn().mockRejectedValueOnce(new Error('boom'));
    const handler = createCallbackHandler({ secret: SECRET, onCallback });
    await handler(await delivery({ secret: 'wrong' }));
    await handler(await delivery({ body: 'nope' }));
    expect(log).not.toHaveBeenCalled();
    expect((await handler(await delivery())).status).toBe(500);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('500 (handler-failed)'), expect.any(Error));
  });

  it('answers the same when onError throws', async () => {
    const { send } = setup({
      onError: () => {
        throw new Error('logger down');
      },
    });
    expect(await send(delivery({ secret: 'wrong' }))).toMatchObject({ status: 401 });
  });

  const valid: Options = { secret: SECRET, onCallback: () => {} };
  it.each([
    ['no options', undefined, 'options'],
    ['an empty secret', { ...valid, secret: '' }, 'secret'],
    ['a missing secret', { ...valid, secret: undefined }, 'secret'],
    ['no onCallback', { ...valid, onCallback: undefined }, 'onCallback'],
    ['a string toleranceSec', { ...valid, toleranceSec: '300' }, 'toleranceSec'],
    ['a negative toleranceSec', { ...valid, toleranceSec: -1 }, 'toleranceSec'],
    ['a zero maxBodyBytes', { ...valid, maxBodyBytes: 0 }, 'maxBodyBytes'],
    ['a store without release', { ...valid, store: { claim: () => 'claimed', complete: () => {} } }, 'store'],
    ['a confirm without getTask', { ...valid, confirm: {} }, 'confirm'],
  ])('throws KlingError at once for %s', (_title, options, name) => {
    for (const create of [createCallbackHandler, createNodeCallbackHandler]) {
      expect(() => create(options as never)).toThrow(KlingError);
      expect(() => create(options as never)).toThrow(name);
    }
  });
});

describe('createMemoryCallbackStore', () => {
  it('claims a key once, until it is released', async () => {
    const store = createMemoryCallbackStore();
    expect(store.claim('a:success')).toBe('claimed');
    expect(store.claim('a:success')).toBe('processing');
    store.release('a:success');
    expect(store.claim('a:success')).toBe('claimed');
    store.complete('a:success');
    expect(store.claim('a:success')).toBe('done');
    expect(store.claim('a:fail')).toBe('claimed');
  });

  it('keeps at most maxEntries keys, forgetting the least recently seen', () => {
    const store = createMemoryCallbackStore({ maxEntries: 2 });
    for (const key of ['a', 'b']) {
      store.claim(key);
      store.complete(key);
    }
    expect(store.claim('a')).toBe('done'); // a is now the most recent
    store.claim('c');
    expect(store.claim('a')).toBe('done');
    expect(store.claim('b')).toBe('claimed'); // b was forgotten
  });

  it.each([0, -1, 1.5, Number.NaN])('throws KlingError for maxEntries %s', (maxEntries) => {
    expect(() => createMemoryCallbackStore({ maxEntries })).toThrow(KlingError);
  });
});
