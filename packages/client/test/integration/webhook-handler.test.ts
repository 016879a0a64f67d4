/**
 * The callback handlers driven by the mock server's real signed callbacks, in each way of mounting
 * them: the Fetch handler (behind a node:http → Request/Response bridge), the Node handler on
 * node:http, and in an Express 5 app with and without `express.json()` before it. The mock runs
 * with realistic timing and tasks are ended with `forceState`, so its callback retries (5 s, 30 s,
 * 120 s on its clock) happen only when a test advances the clock.
 */
import { spec } from '@kling-kit/contract';
import { type RunningMockServer, startMockServer } from '@kling-kit/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKlingClient, type KlingClient, type Task } from '../../src/index';
import {
  type CallbackEvent,
  type CallbackHandlerOptions,
  createCallbackHandler,
  createNodeCallbackHandler,
} from '../../src/webhooks';
import { loadExpress, type Served, serveExpress, serveFetch, serveNode } from './webhook-servers';

const SEED_INPUT =
  spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed.value
    .input;
const HMAC_KEY = 'webhook-handler-hmac-key';
const FIRST_RETRY_MS = 5_000;

type Options = CallbackHandlerOptions;
type Routes = Readonly<Record<string, Options>>;

const mapRoutes = <Handler>(routes: Routes, make: (options: Options) => Handler) =>
  Object.fromEntries(Object.entries(routes).map(([path, options]) => [path, make(options)]));

const express = await loadExpress();
interface Adapter {
  name: string;
  skip: boolean;
  /** express.json() runs first: it answers a body that is not JSON itself (400, HTML), before the handler. */
  jsonParserFirst?: boolean;
  serve: (routes: Routes) => Promise<Served>;
}
const adapters: Adapter[] = [
  {
    name: 'the Fetch handler, bridged from node:http',
    skip: false,
    serve: (routes) => serveFetch(mapRoutes(routes, createCallbackHandler)),
  },
  {
    name: 'the Node handler on node:http',
    skip: false,
    serve: (routes) => serveNode(mapRoutes(routes, createNodeCallbackHandler)),
  },
  ...(['none', 'json'] as const).map((parser) => ({
    name: `the Node handler in Express 5 (${parser === 'none' ? 'raw body' : 'after express.json()'})`,
    skip: express === undefined,
    jsonParserFirst: parser === 'json',
    serve: (routes: Routes) =>
      serveExpress(
        express as NonNullable<typeof express>,
        mapRoutes(routes, createNodeCallbackHandler),
        parser,
      ),
  })),
];

let mock: RunningMockServer;
let kling: KlingClient;
/** Task ids the client asked recordInfo about, in order. */
const recordInfoCalls: string[] = [];

beforeAll(async () => {
  mock = await startMockServer({
    port: 0,
    timing: 'realistic',
    rateLimit: false,
    hmacKey: HMAC_KEY,
    loopbackOnly: true,
    seed: 'webhook-handler',
  });
  kling = createKlingClient({
    apiKey: 'webhook-key',
    baseUrl: mock.url,
    maxRetries: 0,
    fetch: (request) => {
      const url = new URL(request.url);
      if (url.pathname === '/api/v1/jobs/recordInfo') {
        recordInfoCalls.push(url.searchParams.get('taskId') ?? '');
      }
      return fetch(request);
    },
  });
});
afterEach(async () => {
  mock.admin.clearFaults();
  await mock.admin.settleCallbacks();
  const isLoopback = (url: string) => new URL(url).hostname === '127.0.0.1';
  expect(mock.admin.deliveries().filter((delivery) => !isLoopback(delivery.url))).toEqual([]);
});
afterAll(() => mock.close());

/** Creates a task whose callback goes to `url`, ends it now, and waits for the delivery's answer. */
async function finishTask(url: string, state: 'success' | 'fail' = 'success'): Promise<string> {
  const { taskId } = await kling.createTask({ input: SEED_INPUT, callBackUrl: url });
  mock.admin.forceState(taskId, state, state === 'fail' ? { failCode: 500, failMsg: 'Internal error' } : {});
  await mock.admin.settleCallbacks();
  return taskId;
}

/** The delivery log of a task, reduced to what the tests compare. */
const log = (taskId: string) =>
  mock.admin
    .deliveries(taskId)
    .map(({ attempt, trigger, outcome, status }) => ({ attempt, trigger, outcome, status }));

async function advanceToRetry(): Promise<void> {
  mock.admin.advanceClock(FIRST_RETRY_MS);
  await mock.admin.settleCallbacks();
}

/** Asks the mock, through its HTTP admin API, to send a logged delivery again. */
async function redeliver(deliveryId: string): Promise<void> {
  const answer = await fetch(`${mock.url}/__admin/callbacks/${deliveryId}/redeliver`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(answer.status).toBe(200);
}

/** POSTs a logged delivery again by hand, with its real signature headers unless replaced. */
async function replay(url: string, taskId: string, change: { body?: string; headers?: object } = {}) {
  const [delivery] = mock.admin.deliveries(taskId);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(change.headers ?? delivery?.headers) },
    body: change.body ?? JSON.stringify(delivery?.payload),
  });
  const json = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, body: json ? await response.json() : await response.text() };
}

const deferred = () => {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
};

for (const adapter of adapters) {
  describe.skipIf(adapter.skip)(adapter.name, () => {
    let server: Served;
    const onCallback = vi.fn<(event: CallbackEvent) => Promise<void>>();
    const onError = vi.fn();
    const serve = async (routes: Routes) => {
      server = await adapter.serve(routes);
      return server.url;
    };
    const plain = () => serve({ '/kie': { secret: HMAC_KEY, onCallback, onError } });

    afterEach(async () => {
      await mock.admin.settleCallbacks();
      await server.close();
      onCallback.mockReset();
      onError.mockReset();
    });

    it.each(['success', 'fail'] as const)(
      'calls the function once for a %s callback and answers 200',
      async (state) => {
        const url = await plain();
        const taskId = await finishTask(`${url}/kie`, state);
        expect(onCallback).toHaveBeenCalledTimes(1);
        const [event] = onCallback.mock.calls[0] as [CallbackEvent];
        expect(event.confirmed).toBe(false);
        expect(event.task).toBe(event.callback.task);
        expect(event.task).toMatchObject({ taskId, state, failCode: state === 'fail' ? '500' : null });
        expect(event.callback.code).toBe(state === 'success' ? 200 : 501);
        expect(event.callback.data.consumeCredits).toBe(state === 'success' ? 50 : 0);
        expect(log(taskId)).toEqual([
          { attempt: 1, trigger: 'task-finished', outcome: 'delivered', status: 200 },
        ]);
        expect(onError).not.toHaveBeenCalled();
      },
    );

    it('answers 401 to a bad or missing signature, without calling the function', async () => {
      const url = await serve({
        '/kie': { secret: HMAC_KEY, onCallback, onError },
        '/kie-other-key': { secret: 'not-the-mocks-key', onCallback, onError },
      });
      const taskId = await finishTask(`${url}/kie-other-key`);
      expect(log(taskId)).toEqual([{ attempt: 1, trigger: 'task-finished', outcome: 'failed', status: 401 }]);
      const [delivery] = mock.admin.deliveries(taskId);
      const signature = delivery?.headers['X-Webhook-Signature'] ?? '';
      const tampered = {
        ...delivery?.headers,
        'X-Webhook-Signature': `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`,
      };
      expect(await replay(`${url}/kie`, taskId, { headers: tampered })).toMatchObject({
        status: 401,
        body: { error: 'bad-signature' },
      });
      expect(await replay(`${url}/kie`, taskId, { headers: {} })).toMatchObject({
        status: 401,
        body: { error: 'missing-signature' },
      });
      expect(onCallback).not.toHaveBeenCalled();
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ reason: 'bad-signature' }), {
        status: 401,
        code: 'bad-signature',
      });
      // The untouched callback still goes through.
      expect((await replay(`${url}/kie`, taskId)).status).toBe(200);
      expect(onCallback).toHaveBeenCalledTimes(1);
    });

    it('answers 400 to a malformed body, even with a real signature', async () => {
      const url = await serve({
        '/kie': { secret: HMAC_KEY, onCallback, onError },
        '/sink': { secret: 'unused', onCallback: () => {}, onError: () => {} },
      });
      const taskId = await finishTask(`${url}/sink`);
      const notJson = await replay(`${url}/kie`, taskId, { body: '{"code":200,' });
      expect(notJson.status).toBe(400);
      if (!adapter.jsonParserFirst) {
        expect(notJson.body).toMatchObject({ error: 'invalid-body' });
      }
      for (const body of [JSON.stringify({ code: 200, data: { taskId } }), '[]']) {
        expect(await replay(`${url}/kie`, taskId, { body })).toMatchObject({
          status: 400,
          body: { error: 'invalid-body' },
        });
      }
      expect(onCallback).not.toHaveBeenCalled();
    });

    it('answers 405 to a method other than POST', async () => {
      const url = await plain();
      const response = await fetch(`${url}/kie`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(await response.json()).toMatchObject({ error: 'method-not-allowed' });
    });

    it('answers 500 when the function throws; kie.ai’s retry then succeeds', async () => {
      const failure = new Error('database unavailable');
      onCallback.mockRejectedValueOnce(failure);
      const url = await plain();
      const taskId = await finishTask(`${url}/kie`);
      expect(log(taskId)).toEqual([{ attempt: 1, trigger: 'task-finished', outcome: 'failed', status: 500 }]);
      expect(onError).toHaveBeenCalledWith(failure, { status: 500, code: 'handler-failed', taskId });

      await advanceToRetry();
      expect(log(taskId)).toEqual([
        { attempt: 1, trigger: 'task-finished', outcome: 'failed', status: 500 },
        { attempt: 2, trigger: 'retry', outcome: 'delivered', status: 200 },
      ]);
      expect(onCallback).toHaveBeenCalledTimes(2);
    });

    it('answers a redelivery 200 without calling the function again', async () => {
      const url = await plain();
      const taskId = await finishTask(`${url}/kie`);
      await redeliver(mock.admin.deliveries(taskId)[0]?.id ?? '');
      await mock.admin.settleCallbacks();
      expect(log(taskId)).toEqual([
        { attempt: 1, trigger: 'task-finished', outcome: 'delivered', status: 200 },
        { attempt: 1, trigger: 'redeliver', outcome: 'delivered', status: 200 },
      ]);
      expect(onCallback).toHaveBeenCalledTimes(1);
      expect((await replay(`${url}/kie`, taskId)).body).toEqual({ received: true, duplicate: true });
    });

    it('calls the function once for concurrent deliveries; the other is answered 409 and retried', async () => {
      const gate = deferred();
      onCallback.mockImplementationOnce(() => gate.promise);
      const url = await plain();
      const { taskId } = await kling.createTask({ input: SEED_INPUT, callBackUrl: `${url}/kie` });
      mock.admin.forceState(taskId, 'success');
      await vi.waitFor(() => expect(onCallback).toHaveBeenCalledTimes(1), WAIT);
      await redeliver(mock.admin.deliveries(taskId)[0]?.id ?? '');
      await vi.waitFor(() => expect(mock.admin.deliveries(taskId)[1]?.outcome).toBe('failed'), WAIT);
      expect(mock.admin.deliveries(taskId)[1]?.status).toBe(409);

      gate.release();
      await mock.admin.settleCallbacks();
      await advanceToRetry();
      expect(log(taskId)).toEqual([
        { attempt: 1, trigger: 'task-finished', outcome: 'delivered', status: 200 },
        { attempt: 1, trigger: 'redeliver', outcome: 'failed', status: 409 },
        { attempt: 2, trigger: 'retry', outcome: 'delivered', status: 200 },
      ]);
      expect(onCallback).toHaveBeenCalledTimes(1);
    });

    it('with confirm, queries recordInfo once and hands over the confirmed record', async () => {
      const url = await serve({ '/kie': { secret: HMAC_KEY, confirm: kling, onCallback, onError } });
      recordInfoCalls.length = 0;
      const taskId = await finishTask(`${url}/kie`);
      expect(recordInfoCalls).toEqual([taskId]);
      const [event] = onCallback.mock.calls[0] as [CallbackEvent];
      expect(event.confirmed).toBe(true);
      expect(event.task).not.toBe(event.callback.task);
      expect(event.task).toMatchObject({
        taskId,
        state: 'success',
        resultUrls: event.callback.task.resultUrls,
      });
      // recordInfo's record has no credit fields: the task really comes from the query.
      expect(event.task.raw).not.toHaveProperty('consumeCredits');
      expect(event.callback.data.consumeCredits).toBe(50);

      await redeliver(mock.admin.deliveries(taskId)[0]?.id ?? '');
      await mock.admin.settleCallbacks();
      expect(recordInfoCalls).toEqual([taskId]); // a duplicate is answered before any query
    });

    it('with confirm, answers 409 when recordInfo disagrees, and the retry goes through', async () => {
      let queries = 0;
      const confirm = async (taskId: string): Promise<Task> => {
        const task = await kling.getTask(taskId);
        return queries++ === 0 ? { ...task, state: 'generating' } : task;
      };
      const url = await serve({ '/kie': { secret: HMAC_KEY, confirm, onCallback, onError } });
      const taskId = await finishTask(`${url}/kie`);
      expect(log(taskId)).toEqual([{ attempt: 1, trigger: 'task-finished', outcome: 'failed', status: 409 }]);
      expect(onCallback).not.toHaveBeenCalled();
      expect(onError).toHaveBeenCalledWith(expect.any(Error), {
        status: 409,
        code: 'state-mismatch',
        taskId,
      });

      await advanceToRetry();
      expect(log(taskId).at(-1)).toEqual({ attempt: 2, trigger: 'retry', outcome: 'delivered', status: 200 });
      expect(onCallback).toHaveBeenCalledTimes(1);
    });

    it('with confirm, answers 502 when recordInfo fails, and the retry goes through', async () => {
      const url = await serve({ '/kie': { secret: HMAC_KEY, confirm: kling, onCallback, onError } });
      const { taskId } = await kling.createTask({ input: SEED_INPUT, callBackUrl: `${url}/kie` });
      mock.admin.addFault({ operation: 'getTaskRecord', taskId, code: 500 });
      mock.admin.forceState(taskId, 'success');
      await mock.admin.settleCallbacks();
      expect(log(taskId)).toEqual([{ attempt: 1, trigger: 'task-finished', outcome: 'failed', status: 502 }]);
      expect(onCallback).not.toHaveBeenCalled();
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 500 }), {
        status: 502,
        code: 'confirm-failed',
        taskId,
      });

      await advanceToRetry();
      expect(log(taskId).at(-1)).toEqual({ attempt: 2, trigger: 'retry', outcome: 'delivered', status: 200 });
      expect(onCallback).toHaveBeenCalledTimes(1);
    });
  });
}

/** vi.waitFor gives up after 1 s by default: too short for real HTTP on a loaded machine. */
const WAIT = { timeout: 15_000, interval: 20 };

describe('the Node handler, wherever the body is', () => {
  let server: Served | undefined;
  afterEach(async () => {
    await mock.admin.settleCallbacks();
    await server?.close();
  });

  it.skipIf(express === undefined).each(['raw', 'text'] as const)(
    'verifies a real callback after express.%s()',
    async (parser) => {
      const onCallback = vi.fn();
      const handler = createNodeCallbackHandler({ secret: HMAC_KEY, onCallback });
      server = await serveExpress(express as NonNullable<typeof express>, { '/kie': handler }, parser);
      const taskId = await finishTask(`${server.url}/kie`);
      expect(log(taskId)).toEqual([
        { attempt: 1, trigger: 'task-finished', outcome: 'delivered', status: 200 },
      ]);
      expect(onCallback).toHaveBeenCalledTimes(1);
    },
  );

  it('answers 500 body-unavailable when something consumed the stream and left no req.body', async () => {
    const onCallback = vi.fn();
    const onError = vi.fn();
    const handler = createNodeCallbackHandler({ secret: HMAC_KEY, onCallback, onError });
    server = await serveNode({ '/kie': handler }, async (req) => {
      for await (const _chunk of req) {
        // a middleware that reads the body and keeps it to itself
      }
    });
    const taskId = await finishTask(`${server.url}/kie`);
    expect(log(taskId)).toEqual([{ attempt: 1, trigger: 'task-finished', outcome: 'failed', status: 500 }]);
    expect(onCallback).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(expect.any(Error), { status: 500, code: 'body-unavailable' });
  });
});
