/**
 * The sliding window itself, in Redis (the Lua script, atomic under concurrent callers) and in
 * memory (the fallback), and the key names: a hash of the API key, never the key.
 */
import { describe, expect, it, vi } from 'vitest';
import { LAG_BUCKETS } from '../src/arrival-lag';
import { createRedisCoordinator, keyHash } from '../src/index';
import { LocalWindow, shareOf } from '../src/window';
import { type ReserveAnswer, reserveOnce, useRedis } from './helpers/scripts';

const test = useRedis();

const reserve = (key: string, member: string, limit: number, windowMs: number, gapMs = 0, marginMs = 0) =>
  reserveOnce(test.redis, key, { limit, windowMs, gapMs, marginMs, member });

/** The reserved times themselves (Redis's now + delay): calls a loaded runner spreads still compare. */
const slotsOf = (answers: readonly ReserveAnswer[]) => answers.map(([delay, , now]) => now + delay);

describe('the Lua sliding window', () => {
  it('hands out `limit` sends per window, then the times when the oldest leaves it, in the order asked', async () => {
    const delays = await Promise.all(
      Array.from({ length: 7 }, (_, index) => reserve('t:fifo', `p${index % 2}`, 3, 1_000, 0, 50)),
    );
    const slots = slotsOf(delays);
    const [first, second, third, ...rest] = slots.map((slot) => slot - (slots[0] as number));
    // The first three go at once (each at its own now: a loaded runner may run them a little apart).
    expect(delays.slice(0, 3).map(([delay]) => delay)).toEqual([0, 0, 0]);
    expect([first, second, third].every((offset) => (offset as number) < 200)).toBe(true);
    // The 4th to 6th wait until the 1st to 3rd leave the window, plus the margin; the 7th until the
    // 4th leaves it.
    expect(rest.slice(0, 3)).toEqual([
      1_050 + (first as number),
      1_050 + (second as number),
      1_050 + (third as number),
    ]);
    expect(rest[3]).toBe((rest[0] as number) + 1_050);
    expect(delays.at(-1)?.[1]).toBe(2); // two processes seen
  });

  it('spaces sends at least `gap` apart', async () => {
    const slots = slotsOf(
      await Promise.all(Array.from({ length: 5 }, () => reserve('t:gap', 'p', 10, 1_000, 125))),
    );
    for (let index = 1; index < slots.length; index++) {
      expect((slots[index] as number) - (slots[index - 1] as number)).toBeGreaterThanOrEqual(125);
    }
  });

  it('keeps its list while a lag reported later could still widen the margin, then expires it', async () => {
    await reserve('t:ttl', 'p', 2, 200);
    const ttl = await test.redis.pttl('t:ttl');
    expect(ttl).toBeGreaterThan(200 * LAG_BUCKETS);
    expect(ttl).toBeLessThanOrEqual(200 * (LAG_BUCKETS + 1));
  });

  it('reserves whole milliseconds when the spacing is a fraction (3 queries a second)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => reserve('t:third', 'p', 10, 1_000, 1_000 / 3)),
    );
    const slots = slotsOf(answers);
    expect(slots.every(Number.isInteger)).toBe(true);
    expect(await test.redis.lrange('t:third', 0, -1)).toHaveLength(4);
  });
});

describe('LocalWindow and shareOf (the fallback)', () => {
  it('applies the same rule in memory', () => {
    const window = new LocalWindow(2);
    const rule = { limit: 2, windowMs: 1_000, gapMs: 100, marginMs: 10 };
    const reserve = () => {
      const reservation = window.earliest(rule, 5_000);
      window.record(5_000 + reservation.delay);
      return reservation;
    };
    expect([0, 0, 0].map(reserve)).toEqual([
      { delay: 0, edge: undefined },
      { delay: 100, edge: undefined },
      { delay: 1_010, edge: 1_000 },
    ]);
  });

  it("cuts a limit to one process's share, never below one", () => {
    const rule = { limit: 20, windowMs: 10_000, gapMs: 0, marginMs: 0 };
    expect(shareOf(rule, 4)).toMatchObject({ limit: 5, gapMs: 0 });
    expect(shareOf(rule, 50)).toMatchObject({ limit: 1 });
    expect(shareOf({ ...rule, gapMs: 125 }, 3)).toMatchObject({ gapMs: 375 });
  });
});

describe('key names', () => {
  it('carry a hash of the API key, never the key', async () => {
    const apiKey = 'sk-never-in-redis-7d1f';
    const coordinator = createRedisCoordinator({
      redis: test.redis,
      apiKey,
      prefix: 'names',
      onWarning: () => {},
    });
    const answered = await coordinator.acquire('createTask');
    answered?.();
    await coordinator.publish({ taskId: 'task-1', state: 'success' } as never);
    await vi.waitFor(async () =>
      expect(await test.redis.exists(`names:{${keyHash(apiKey)}}:lag:createTask`)).toBe(1),
    );
    const names = await test.redis.keys('names:*');
    expect(names.sort()).toEqual(
      [
        `names:{${keyHash(apiKey)}}:done:task-1`,
        `names:{${keyHash(apiKey)}}:lag:createTask`,
        `names:{${keyHash(apiKey)}}:limit:createTask`,
        `names:{${keyHash(apiKey)}}:peers`,
      ].sort(),
    );
    for (const name of names) {
      expect(name).not.toContain(apiKey);
    }
    expect(keyHash(apiKey)).toMatch(/^[0-9a-f]{16}$/);
    await coordinator.close();
  });

  it('refuses an operation it does not know, inherited names included', async () => {
    const coordinator = createRedisCoordinator({ redis: test.redis, apiKey: 'k', onWarning: () => {} });
    for (const name of ['toString', '__proto__', 'constructor', 'recordInfo']) {
      await expect(coordinator.acquire(name as never)).rejects.toThrow(/operation must be/);
    }
    await coordinator.close();
  });

  it('refuses a coordinator without a key or with a wrong limit', () => {
    const saved = process.env.KIE_API_KEY;
    delete process.env.KIE_API_KEY;
    try {
      expect(() => createRedisCoordinator({ redis: test.redis })).toThrow(/apiKey must be/);
      expect(() => createRedisCoordinator({ redis: test.redis, apiKey: 'k', maxPollsPerSecond: 0 })).toThrow(
        /maxPollsPerSecond/,
      );
      expect(() => createRedisCoordinator({ redis: {} as never, apiKey: 'k' })).toThrow(/ioredis client/);
    } finally {
      if (saved !== undefined) {
        process.env.KIE_API_KEY = saved;
      }
    }
  });
});
