/**
 * A callback delivered to one process resolves a wait in another: the mock POSTs its signed
 * callbacks to a handler in this process, which publishes each to the feed; the waits run in a
 * worker process and send no recordInfo query at all. A wait that starts after the callback finds
 * the record Redis keeps for it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKlingClient } from '@kling-kit/client';
import { createNodeCallbackHandler } from '@kling-kit/client/webhooks';
import { type RunningMockServer, startMockServer } from '@kling-kit/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCoordinator, type RedisCoordinator } from '../src/index';
import { startRedis, type TestRedis } from './helpers/redis-server';
import { startWorker } from './helpers/workers';

const API_KEY = 'sk-callbacks-key';
const HMAC_KEY = 'whk-callbacks';
const INPUT = { prompt: 'A fox in the snow', image_url: 'https://example.com/fox.png' };

let redis: TestRedis;
let mock: RunningMockServer;
let coordinator: RedisCoordinator;
let receiver: Server;
let callbackUrl: string;
/** When the handler received each task's callback (it publishes right after). */
const handledAt = new Map<string, number>();

beforeAll(async () => {
  redis = await startRedis();
  mock = await startMockServer({
    port: 0,
    timing: { waitingMs: 300, queuingMs: 500, generatingMs: 2_000 },
    hmacKey: HMAC_KEY,
    loopbackOnly: true,
    seed: 'redis-callbacks',
  });
  coordinator = createRedisCoordinator({ redis: redis.url, apiKey: API_KEY, onWarning: () => {} });
  const handler = createNodeCallbackHandler({
    secret: HMAC_KEY,
    coordinator,
    onCallback: ({ task }) => {
      handledAt.set(task.taskId, Date.now());
    },
  });
  receiver = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kie-callback`;
});

afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await coordinator?.close();
  await mock?.close();
  await redis?.stop();
});

describe('callbacks across processes', () => {
  it('resolves waits in another process within a second of the callback, without polling', async () => {
    const worker = startWorker({
      baseUrl: mock.url,
      apiKey: API_KEY,
      redisUrl: redis.url,
      creates: 4,
      input: INPUT,
      callBackUrl: callbackUrl,
      timeoutMs: 30_000,
    });
    const report = await worker.report;
    expect(report.waits.map((wait) => wait.state)).toEqual(Array(4).fill('success'));
    expect(report.requests.recordInfo).toBe(0);
    for (const wait of report.waits) {
      const handled = handledAt.get(wait.taskId);
      expect(handled).toBeDefined();
      expect(wait.seenAt - (handled as number)).toBeLessThan(1_000);
    }
  });

  it('lets a wait that starts after the callback find the record', async () => {
    const [taskId] = [...handledAt.keys()];
    let polls = 0;
    const kling = createKlingClient({
      apiKey: API_KEY,
      baseUrl: mock.url,
      coordinator,
      hooks: { onRequest: () => polls++ },
    });
    const started = Date.now();
    const task = await kling.waitForTask(
      {
        taskId: taskId as string,
        model: 'kling/v2-1-pro',
        createdAt: started - 60_000,
        callBackUrl: callbackUrl,
      },
      { timeoutMs: 5_000 },
    );
    expect(task).toMatchObject({ taskId, state: 'success' });
    expect(task.resultUrls[0]).toMatch(/\.mp4$/);
    expect(polls).toBe(0);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
