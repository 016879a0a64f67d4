/**
 * The arrival lag: answered creates report how late they were, the window keeps creates apart by
 * the largest lag reported lately (in Redis and in memory), forgets it after a few windows, and a
 * create reserved before a larger lag was reported waits the difference before it is sent.
 */
import { RATE_LIMITS } from '@kling-kit/contract';
import { describe, expect, it } from 'vitest';
import { LAG_BUCKETS, LocalLag, RECENT_LAG_SCRIPT, SETTLE_SCRIPT } from '../src/arrival-lag';
import { createRedisCoordinator } from '../src/index';
import { reserveOnce, useRedis } from './helpers/scripts';

const test = useRedis();

const reserve = (key: string, limit: number, windowMs: number, marginMs: number) =>
  reserveOnce(test.redis, key, { limit, windowMs, marginMs });
const settle = (key: string, slot: number, windowMs: number) =>
  test.redis.eval(SETTLE_SCRIPT, 1, `${key}:lag`, slot, windowMs) as Promise<number>;
const recentLag = (key: string, windowMs: number) =>
  test.redis.eval(RECENT_LAG_SCRIPT, 1, `${key}:lag`, windowMs) as Promise<number>;

describe('the lag in Redis', () => {
  it('is recorded by the answered request and widens the margin of the next reservations', async () => {
    const [, , now] = await reserve('lag:widen', 1, 1_000, 50);
    // The first request was answered 400 ms after its reserved time.
    expect(await settle('lag:widen', now - 400, 1_000)).toBeGreaterThanOrEqual(400);
    expect(await recentLag('lag:widen', 1_000)).toBeGreaterThanOrEqual(400);
    const [delay, , later, edge] = await reserve('lag:widen', 1, 1_000, 50);
    // The second waits for the first to leave the window, plus the lag instead of the 50 ms floor.
    expect(edge).toBe(now + 1_000);
    expect(later + delay - edge).toBeGreaterThanOrEqual(400);
  });

  it('keeps the largest lag of the recent windows and forgets it after them', async () => {
    const windowMs = 100;
    const [, , now] = await reserve('lag:forget', 5, windowMs, 0);
    await settle('lag:forget', now - 80, windowMs);
    await settle('lag:forget', now - 30, windowMs); // a smaller lag does not lower it
    expect(await recentLag('lag:forget', windowMs)).toBeGreaterThanOrEqual(80);
    await new Promise((resolve) => setTimeout(resolve, windowMs * (LAG_BUCKETS + 1)));
    expect(await recentLag('lag:forget', windowMs)).toBe(0);
    expect(await test.redis.hlen('lag:forget:lag')).toBeLessThanOrEqual(1);
  });

  it('records at most one window: a request that hung until its timeout does not hold every create back', async () => {
    const [, , now] = await reserve('lag:hung', 5, 1_000, 0);
    expect(await settle('lag:hung', now - 60_000, 1_000)).toBe(1_000);
    const lag = new LocalLag();
    expect(await recentLag('lag:hung', 1_000)).toBe(1_000);
    expect(lag.recent(1_000)).toBe(0);
  });

  it('never records a negative lag (a request answered before its reserved time)', async () => {
    const [, , now] = await reserve('lag:early', 5, 1_000, 0);
    expect(await settle('lag:early', now + 5_000, 1_000)).toBe(0);
  });
});

describe('LocalLag (the fallback)', () => {
  it('keeps the largest lag of the last windows, as the script does', () => {
    const lag = new LocalLag();
    lag.record(300, 1_000, 10_000);
    lag.record(120, 1_000, 11_500);
    expect(lag.recent(1_000, 12_000)).toBe(300);
    expect(lag.recent(1_000, 10_000 + LAG_BUCKETS * 1_000)).toBe(120);
    expect(lag.recent(1_000, 11_500 + LAG_BUCKETS * 1_000)).toBe(0);
  });
});

describe('a create reserved before a larger lag was reported', () => {
  it('waits the difference before it is sent', { timeout: 30_000 }, async () => {
    const { limit, windowMs } = RATE_LIMITS.createTask;
    const coordinator = createRedisCoordinator({
      redis: test.redis,
      apiKey: 'sk-lag-key',
      prefix: 'lag',
      onWarning: () => {},
    });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: limit }, () => coordinator.acquire('createTask')));
    // The 21st is reserved now, with the 250 ms floor as its margin: no lag is known yet.
    const next = coordinator.acquire('createTask').then(() => Date.now() - started);
    // The first create is answered 1.5 s late (a loaded host): it may have arrived that late.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    answers[0]?.();
    const sentAfter = await next;
    expect(sentAfter).toBeGreaterThanOrEqual(windowMs + 1_500 - 50);
    expect(sentAfter).toBeLessThan(windowMs + 1_500 + 1_500);
    await coordinator.close();
  });
});
