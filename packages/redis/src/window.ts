/**
 * kie.ai's limits as sliding windows of reserved send times: at most `limit` sends in any
 * `windowMs` (plus a margin for the network's jitter), at least `gapMs` apart. A caller reserves
 * the earliest time that keeps every window within the limit and sleeps until then; reservations
 * are handed out in the order they are asked for, so the processes sharing a window take turns.
 * The same rule runs atomically in Redis (a Lua script over one list per limit) and, while Redis
 * is unreachable, in this process's memory on its share of the limit.
 */
import { LAG_BUCKETS, LAG_LUA } from './arrival-lag';

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
 * leaves the window without a margin (ms; -1 while fewer than `limit` were reserved), 1 if Redis
 * knew this member already (0: a first reservation, or Redis lost its data) }. Times are whole ms.
 * The list is kept for as long as a lag reported later may still widen the margin (`LAG_BUCKETS`
 * windows). Redis's own clock is the only one used, so the processes' clocks may differ.
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
slot = math.ceil(slot)
redis.call('RPUSH', KEYS[1], string.format('%.0f', slot))
redis.call('LTRIM', KEYS[1], -limit, -1)
redis.call('PEXPIRE', KEYS[1], slot - now + window * ${LAG_BUCKETS + 1})
local known = redis.call('ZSCORE', KEYS[2], ARGV[5]) and 1 or 0
redis.call('ZADD', KEYS[2], now, ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - peerTtl)
redis.call('PEXPIRE', KEYS[2], peerTtl)
return { slot - now, redis.call('ZCARD', KEYS[2]), now, math.ceil(edge), known }
`;

/** A reserved send time, in ms from the moment it was reserved. */
export interface Reservation {
  /** Until the reserved time. */
  delay: number;
  /** Until the `limit`-th last reservation leaves the window (no margin); `undefined` if there was none. */
  edge: number | undefined;
}

/**
 * This process's own send times, in its clock: every create or query it let through, shared or
 * not. While Redis is lost the process keeps to its share of the limit against them, and right
 * after Redis is back (or lost its data) too, so no switch between the two lets a burst through.
 */
export class LocalWindow {
  private slots: number[] = [];

  constructor(private readonly keep: number) {}

  /** The earliest send time under `rule` after the sends recorded so far (nothing is recorded). */
  earliest(rule: WindowRule, now: number = Date.now()): Reservation {
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
    return { delay: slot - now, edge: edge === undefined ? undefined : edge - now };
  }

  /** Records a send time (kept in order; the last `keep` are remembered). */
  record(slot: number): void {
    let index = this.slots.length;
    while (index > 0 && (this.slots[index - 1] as number) > slot) {
      index--;
    }
    this.slots.splice(index, 0, slot);
    if (this.slots.length > this.keep) {
      this.slots.splice(0, this.slots.length - this.keep);
    }
  }
}

/** `rule` cut to one process's share when `peers` processes share it (never below one send per window). */
export function shareOf(rule: WindowRule, peers: number): WindowRule {
  const n = Math.max(1, peers);
  return { ...rule, limit: Math.max(1, Math.floor(rule.limit / n)), gapMs: rule.gapMs * n };
}
