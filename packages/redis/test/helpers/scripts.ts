/**
 * The window's Lua scripts run directly against a test Redis: one throwaway `redis-server` and one
 * connection per test file, and a reservation with the arguments the coordinator passes.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RESERVE_SCRIPT } from '../../src/window';
import { startRedis, type TestRedis } from './redis-server';

/** Starts a Redis for this file (before all its tests) and a connection to it; both end after them. */
export function useRedis(): { readonly server: TestRedis; readonly redis: Redis } {
  const state = {} as { server: TestRedis; redis: Redis };
  beforeAll(async () => {
    state.server = await startRedis();
    state.redis = new Redis(state.server.url);
  });
  afterAll(async () => {
    await state.redis?.quit();
    await state.server?.stop();
  });
  return state;
}

/** A reservation's answer: [delay ms, processes seen, Redis's now, edge (-1: none)]. */
export type ReserveAnswer = [number, number, number, number];

/** One reservation through the script, on `key` and its `:peers` and `:lag` companions. */
export const reserveOnce = (
  redis: Redis,
  key: string,
  rule: { limit: number; windowMs: number; gapMs?: number; marginMs?: number; member?: string },
) =>
  redis.eval(
    RESERVE_SCRIPT,
    3,
    key,
    `${key}:peers`,
    `${key}:lag`,
    rule.limit,
    rule.windowMs,
    rule.gapMs ?? 0,
    rule.marginMs ?? 0,
    rule.member ?? 'p',
    30_000,
  ) as Promise<ReserveAnswer>;
