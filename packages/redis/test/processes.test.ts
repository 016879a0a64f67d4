/**
 * Several OS processes on one key against kling-mock with kie.ai's real limits (20 creates per
 * 10 s, 10 recordInfo per second, enforced by the mock): with the Redis coordinator, every create
 * goes through the first time (no 429, no duplicate), and no second sees more than 10 queries.
 */

import { RATE_LIMITS } from '@kling-kit/contract';
import { type RunningMockServer, startMockServer } from '@kling-kit/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './helpers/redis-server';
import { startWorker } from './helpers/workers';

const API_KEY = 'sk-processes-shared-key';
const INPUT = { prompt: 'A paper boat in the rain', image_url: 'https://example.com/boat.png' };

interface LogLine {
  time: string;
  /** How long the mock took to answer: the request arrived at time − ms. */
  ms: number;
  operation?: string;
  status: number | null;
}

let redis: TestRedis;
let mock: RunningMockServer;
const log: LogLine[] = [];

beforeAll(async () => {
  redis = await startRedis();
  mock = await startMockServer({
    port: 0,
    timing: 'fast',
    loopbackOnly: true,
    seed: 'redis-processes',
    log: (line) => log.push(JSON.parse(line) as LogLine),
  });
});

afterAll(async () => {
  await mock?.close();
  await redis?.stop();
});

/** The most requests of `operation` that arrived at the mock in any `windowMs` (as its limiter counts them). */
function busiestWindow(operation: string, windowMs: number): number {
  const times = log
    .filter((line) => line.operation === operation)
    .map((line) => Date.parse(line.time) - line.ms)
    .sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && (times[j] as number) - (times[i] as number) < windowMs) {
      j++;
    }
    most = Math.max(most, j - i);
  }
  return most;
}

describe('three processes, one key, real limits', () => {
  // Creates are spaced by the lag the answered ones report, so a loaded runner slows them rather
  // than getting 429s (arrival-lag.test.ts). A runner that stalls a process for seconds can still
  // bunch its queries: the run is then repeated once; the figures are in `pnpm bench`.
  it('create 24 tasks (over the 20 per 10 s) and wait for them with no 429 and no duplicate', {
    retry: 1,
  }, async () => {
    log.length = 0; // a rerun judges its own requests (the shared windows remember the earlier ones)
    const workers = [0, 1, 2].map(() =>
      startWorker({ baseUrl: mock.url, apiKey: API_KEY, redisUrl: redis.url, creates: 8, input: INPUT }),
    );
    await Promise.all(workers.map((worker) => worker.ready));
    const reports = await Promise.all(workers.map((worker) => worker.report));

    const created = reports.flatMap((report) => report.created.map((handle) => handle.taskId));
    expect(created).toHaveLength(24);
    expect(new Set(created).size).toBe(24);
    expect(reports.map((report) => report.requests.createTask)).toEqual([8, 8, 8]); // never retried
    expect(log.filter((line) => line.status === 429)).toEqual([]);
    expect(log.filter((line) => line.operation === 'createTask')).toHaveLength(24);
    // The four past the limit waited for the window: the last create came 10 s after the first.
    const createTimes = log
      .filter((line) => line.operation === 'createTask')
      .map((line) => Date.parse(line.time));
    expect(Math.max(...createTimes) - Math.min(...createTimes)).toBeGreaterThanOrEqual(
      RATE_LIMITS.createTask.windowMs,
    );
    expect(busiestWindow('createTask', RATE_LIMITS.createTask.windowMs)).toBeLessThanOrEqual(
      RATE_LIMITS.createTask.limit,
    );
    expect(busiestWindow('getTaskRecord', RATE_LIMITS.getTaskRecord.windowMs)).toBeLessThanOrEqual(
      RATE_LIMITS.getTaskRecord.limit,
    );
    const waits = reports.flatMap((report) => report.waits);
    expect(waits.map((wait) => wait.state)).toEqual(Array(24).fill('success'));
    expect(reports.flatMap((report) => report.warnings)).toEqual([]);
  });
});
