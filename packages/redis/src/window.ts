/**
 * kie.ai's limits as sliding windows of reserved send times: at most `limit` sends in any
 * `windowMs` (plus a margin for the network's jitter), at least `gapMs` apart. A caller reserves
 * the earliest time that keeps every window within the limit and sleeps until then; reservations
 * are handed out in the order they are asked for, so the processes sharing a window take turns.
 * The same rule runs atomically in Redis (a Lua script over one list per limit) and, while Redis
 * is unreachable, in this process's memory on its share of the limit.
 */
import { LAG_LUA } from './arrival-lag';

/** One limit: the spec's figures plus the client-side spacing and margin. */
export interface WindowRule {
  readonly limit: number;
  readonly windowMs: number;
  /** Least time between two sends (even spacing: no window sees a burst at its edge). */
  readonly gapMs: number;
  /** Added to the window: a send that arrives later than its reservation still finds room. */
  readonly marginMs: number;
}

/**
 * KEYS[1]: the list of the last `limit` reserved times (ms, ascending); KEYS[2]: the sorted set of
 * the processes seen (member → last time); KEYS[3]: the limit's recent arrival lags (see
 * `arrival-lag.ts`). ARGV: limit, windowMs, gapMs, marginMs, member, peerTtlMs. The margin is the
 * larger of `marginMs` and the largest recent lag. Returns { delay until the reserved time (ms),
 * processes seen within peerTtlMs, Redis's now (ms), the time the `limit`-th last reservation
 * leaves the window without a margin (ms; -1 while fewer than `limit` were reserved) }.
 * Redis's own clock is the only one used, so the processes' clocks may differ.
 */
export const RESERVE_SCRIPT = `${LAG_LUA}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local gap = tonumber(ARGV[3])
local margin = math.max(tonumber(ARGV[4]), recentLag(KEYS[3], now, window))
local peerTtl = tonumber(ARGV[6])
local slot = now
local edge = -1
local count = redis.call('LLEN', KEYS[1])
if count > 0 then
  slot = math.max(slot, tonumber(redis.call('LINDEX', KEYS[1], -1)) + gap)
  if count >= limit then
    edge = tonumber(redis.call('LINDEX', KEYS[1], -limit)) + window
    slot = math.max(slot, edge + margin)
  end
end
redis.call('RPUSH', KEYS[1], string.format('%.0f', slot))
redis.call('LTRIM', KEYS[1], -limit, -1)
redis.call('PEXPIRE', KEYS[1], slot - now + window + margin)
redis.call('ZADD', KEYS[2], now, ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - peerTtl)
redis.call('PEXPIRE', KEYS[2], peerTtl)
return { slot - now, redis.call('ZCARD', KEYS[2]), now, edge }
`;

/** A reserved send time, in ms from the moment it was reserved. */
export interface Reservation {
  /** Until the reserved time. */
  delay: number;
  /** Until the `limit`-th last reservation leaves the window (no margin); `undefined` if there was none. */
  edge: number | undefined;
}

/** The same window in memory, for one process. */
export class LocalWindow {
  private slots: number[] = [];

  /** Reserves the earliest send time under `rule` (times in this process's clock). */
  reserve(rule: WindowRule, now: number = Date.now()): Reservation {
    const { limit, windowMs, gapMs, marginMs } = rule;
    let slot = now;
    const last = this.slots.at(-1);
    if (last !== undefined) {
      slot = Math.max(slot, last + gapMs);
    }
    const oldest = this.slots.length >= limit ? this.slots.at(-limit) : undefined;
    const edge = oldest === undefined ? undefined : oldest + windowMs;
    if (edge !== undefined) {
      slot = Math.max(slot, edge + marginMs);
    }
    this.slots.push(slot);
    this.slots = this.slots.slice(-limit);
    return { delay: slot - now, edge: edge === undefined ? undefined : edge - now };
  }

  /** Forgets every reservation (the shared window took over again). */
  clear(): void {
    this.slots = [];
  }
}

/** `rule` cut to one process's share when `peers` processes share it (never below one send per window). */
export function shareOf(rule: WindowRule, peers: number): WindowRule {
  const n = Math.max(1, peers);
  return { ...rule, limit: Math.max(1, Math.floor(rule.limit / n)), gapMs: rule.gapMs * n };
}
