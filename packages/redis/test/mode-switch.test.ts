/**
 * No switch between the shared window and the per-process fallback lets a burst through: a process
 * counts its own sends across the switch, holds to its share for a window once Redis is back (its
 * local sends are in no shared window), and does the same when Redis lost its data (a restart).
 */
import { RATE_LIMITS } from '@kling-kit/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisCoordinator, type RedisCoordinator } from '../src/index';
import { useRedis } from './helpers/scripts';

const test = useRedis();
const { limit } = RATE_LIMITS.createTask;
let coordinators: RedisCoordinator[] = [];
let prefixes = 0;

afterEach(async () => {
  await Promise.all(coordinators.map((coordinator) => coordinator.close()));
  coordinators = [];
});

function coordinator(warnings: string[] = []): RedisCoordinator {
  const made = createRedisCoordinator({
    redis: test.redis,
    apiKey: 'sk-mode-switch',
    prefix: `switch-${++prefixes}`,
    commandTimeoutMs: 300,
    onWarning: (message) => warnings.push(message),
  });
  coordinators.push(made);
  return made;
}

/** Whether a create is let through within `ms` (false: it is held for the window). */
const goesWithin = (subject: RedisCoordinator, ms: number) =>
  subject.acquire('createTask', AbortSignal.timeout(ms)).then(
    () => true,
    () => false,
  );

/** Stops Redis answering anyone for `ms` (it stays up: commands wait, as on a stalled server). */
const pauseRedis = (ms: number) => test.redis.call('CLIENT', 'PAUSE', String(ms), 'ALL');

describe('switching between shared and local limits', () => {
  it("keeps counting the process's own creates when Redis is lost", async () => {
    const warnings: string[] = [];
    const subject = coordinator(warnings);
    for (let index = 0; index < limit; index++) {
      expect(await goesWithin(subject, 1_000)).toBe(true);
    }
    await pauseRedis(2_000);
    // Redis does not answer: the process falls back to its share (all 20: it is alone), of which
    // it has used every one in this window.
    expect(await goesWithin(subject, 1_500)).toBe(false);
    expect(subject.mode).toBe('local');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unreachable/);
  });

  it('holds to its share for a window once Redis is back: the local creates are in no shared window', async () => {
    const warnings: string[] = [];
    const subject = coordinator(warnings);
    await pauseRedis(1_500);
    const sent = await Promise.all(Array.from({ length: limit }, () => goesWithin(subject, 1_000)));
    expect(sent.filter(Boolean).length).toBe(limit); // 20 at once, counted only here
    expect(subject.mode).toBe('local');
    await vi.waitFor(
      async () => {
        await subject.acquire('getTaskRecord'); // a request probes Redis (at most once a second)
        expect(subject.mode).toBe('shared');
      },
      { timeout: 5_000, interval: 200 },
    );
    // The reservations that timed out ran once Redis answered again: drop them, so that Redis's
    // window holds none of the 20 creates this process sent less than 10 s ago.
    await test.redis.flushall();
    expect(await goesWithin(subject, 1_500)).toBe(false);
    expect(warnings[0]).toMatch(/unreachable/);
    expect(warnings[1]).toMatch(/answers again/);
  });

  it('holds to its share, counted before, when Redis lost its data', async () => {
    const warnings: string[] = [];
    const subject = coordinator(warnings);
    const peer = createRedisCoordinator({
      redis: test.redis,
      apiKey: 'sk-mode-switch',
      prefix: `switch-${prefixes}`, // the same window as `subject`
      onWarning: () => {},
    });
    coordinators.push(peer);
    await peer.acquire('getTaskRecord'); // two processes now
    for (let index = 0; index < limit / 2; index++) {
      expect(await goesWithin(subject, 1_000)).toBe(true);
    }
    expect(subject.peers).toBe(2);
    await test.redis.flushall(); // what a restart without persistence leaves
    // Redis would let 20 more through; the process keeps to its half (10), all used.
    expect(await goesWithin(subject, 1_500)).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/lost its data/)]);
  });
});
