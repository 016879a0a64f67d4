/**
 * Redis killed and restarted mid-run: the coordinator warns once, each process keeps to its share
 * of the limits and its waits poll (none hangs on a dead connection, a wait fed by callbacks goes
 * back to the normal schedule), and the limits are shared again once Redis answers.
 */
import { createKlingClient } from '@kling-kit/client';
import { type RunningMockServer, startMockServer } from '@kling-kit/mock-server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisCoordinator, type RedisCoordinator } from '../src/index';
import { startRedis, type TestRedis } from './helpers/redis-server';

const API_KEY = 'sk-outage-key';
const INPUT = { prompt: 'A lighthouse in a storm', image_url: 'https://example.com/lighthouse.png' };
/** A callback URL nothing listens on: the feed is the only way a callback could arrive. */
const DEAD_CALLBACK = 'http://127.0.0.1:9/kie-callback';

let server: TestRedis;
let mock: RunningMockServer;
let coordinator: RedisCoordinator;
const warnings: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  server = await startRedis();
  mock = await startMockServer({
    port: 0,
    timing: { waitingMs: 300, queuingMs: 300, generatingMs: 2_500 },
    loopbackOnly: true,
    seed: 'redis-outage',
  });
  coordinator = createRedisCoordinator({
    redis: server.url,
    apiKey: API_KEY,
    // Long enough for a loaded CI runner (a slow answer would count as an outage), short for a dead Redis.
    commandTimeoutMs: 1_000,
    onWarning: (message) => warnings.push(message),
  });
});

afterAll(async () => {
  await coordinator?.close();
  await mock?.close();
  await server?.stop();
});

const client = () =>
  createKlingClient({
    apiKey: API_KEY,
    baseUrl: mock.url,
    coordinator,
    hooks: { onRequest: ({ request }) => requests.push(request) },
  });

describe('Redis killed and restarted mid-run', () => {
  it('falls back to per-process limits with one warning, finishes every wait, and shares again after', async () => {
    const kling = client();
    const handles = await Promise.all(Array.from({ length: 5 }, () => kling.createTask({ input: INPUT })));
    expect(coordinator.mode).toBe('shared');
    const waits = handles.map((handle) => kling.waitForTask(handle, { timeoutMs: 20_000 }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    await server.kill();

    const tasks = await Promise.all(waits);
    expect(tasks.map((task) => task.state)).toEqual(Array(5).fill('success'));
    expect(coordinator.mode).toBe('local');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Redis is unreachable .*share of kie\.ai's limits/);
    expect(warnings[0]).not.toContain(API_KEY);
    // Creates still go out, paced by this process's share.
    await expect(kling.createTask({ input: INPUT })).resolves.toMatchObject({ taskId: expect.any(String) });

    await server.restart();
    await vi.waitFor(
      async () => {
        await coordinator.acquire('getTaskRecord');
        expect(coordinator.mode).toBe('shared');
      },
      { timeout: 15_000, interval: 250 },
    );
    expect(warnings.at(-1)).toMatch(/answers again/);
    await coordinator.acquire('createTask');
    const probe = new Redis(server.url);
    try {
      expect((await probe.keys('kling-kit:*:limit:*')).length).toBeGreaterThan(0);
    } finally {
      await probe.quit();
    }
  });

  it('sends a wait fed by callbacks back to normal polling when the feed is lost', async () => {
    const kling = client();
    await vi.waitFor(() => expect(coordinator.mode).toBe('shared'), { timeout: 10_000 });
    // The subscription is re-established after the restart before a wait may rely on it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const handle = await kling.createTask({ input: INPUT, callBackUrl: DEAD_CALLBACK });
    const started = Date.now();
    const polled = requests.length;
    const wait = kling.waitForTask(handle, { timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(requests.length).toBe(polled); // fed: no poll yet
    await server.kill();
    // Without the feed's `null`, the first poll would come a minute later and the wait time out.
    await expect(wait).resolves.toMatchObject({ state: 'success' });
    expect(Date.now() - started).toBeLessThan(15_000);
    await server.restart();
  });

  it('holds no request longer than commandTimeoutMs when Redis is down from the start, and closes', async () => {
    await server.kill();
    const messages: string[] = [];
    const lonely = createRedisCoordinator({
      redis: server.url,
      apiKey: API_KEY,
      commandTimeoutMs: 200,
      onWarning: (message) => messages.push(message),
    });
    const started = Date.now();
    await lonely.acquire('createTask');
    await lonely.acquire('getTaskRecord');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(lonely.mode).toBe('local');
    expect(messages).toHaveLength(1);
    const heard: unknown[] = [];
    lonely.watch('some-task', (record) => heard.push(record));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(heard).toEqual([null]); // the feed is down: the wait polls instead
    await expect(lonely.publish({ taskId: 'some-task', state: 'success' } as never)).rejects.toThrow();
    const closing = Date.now();
    await lonely.close();
    expect(Date.now() - closing).toBeLessThan(1_000);
    await server.restart();
  });
});
