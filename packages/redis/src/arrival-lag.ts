/**
 * How late requests reach kie.ai after their reserved time. kie.ai's window counts arrivals, and a
 * request sent at its reserved time arrives later by the network, a busy event loop, a slow server:
 * no fixed margin fits both an idle host and a loaded one. So each answered request reports its lag
 * (the time it was surely there by, its answer, minus its reserved time), and the window keeps
 * requests apart by the largest lag reported lately. A request whose time depends on an earlier one
 * leaving the window checks that lag again just before it is sent.
 *
 * Lags are kept per window-length bucket of time, and "lately" is the last `LAG_BUCKETS` buckets:
 * long enough to cover every request the next window depends on, short enough to forget a spike.
 */

/** Lags reported in the last this-many windows count. */
export const LAG_BUCKETS = 4;

/**
 * Lua: `recentLag(key, now, window)`, the largest lag in the hash `key` (bucket → lag) over the last
 * `LAG_BUCKETS` buckets of `window` ms; `recordLag(key, now, window, lag)` raises the current
 * bucket's lag, forgets older buckets and keeps the hash for as long as it counts.
 */
export const LAG_LUA = `
local function recentLag(key, now, window)
  local bucket = math.floor(now / window)
  local most = 0
  for index = 0, ${LAG_BUCKETS - 1} do
    local lag = tonumber(redis.call('HGET', key, tostring(bucket - index)) or '0')
    if lag > most then most = lag end
  end
  return most
end
local function recordLag(key, now, window, lag)
  local bucket = math.floor(now / window)
  local field = tostring(bucket)
  if lag > tonumber(redis.call('HGET', key, field) or '0') then
    redis.call('HSET', key, field, string.format('%.0f', lag))
  end
  for _, old in ipairs(redis.call('HKEYS', key)) do
    if tonumber(old) <= bucket - ${LAG_BUCKETS} then redis.call('HDEL', key, old) end
  end
  redis.call('PEXPIRE', key, window * ${LAG_BUCKETS + 1})
end
`;

/**
 * KEYS[1]: the lag hash of a limit. ARGV: reserved time (ms, Redis's clock), windowMs. Records the
 * lag of a request answered now, at most one window (a request that hung until its timeout must not
 * hold every create back by as much). Returns the lag (ms).
 */
export const SETTLE_SCRIPT = `${LAG_LUA}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lag = math.min(math.max(0, now - tonumber(ARGV[1])), tonumber(ARGV[2]))
recordLag(KEYS[1], now, tonumber(ARGV[2]), lag)
return lag
`;

/** KEYS[1]: the lag hash of a limit. ARGV: windowMs. Returns the largest recent lag (ms). */
export const RECENT_LAG_SCRIPT = `${LAG_LUA}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
return recentLag(KEYS[1], now, tonumber(ARGV[1]))
`;

/** The same record in memory, for the fallback and this process's own requests. */
export class LocalLag {
  private readonly buckets = new Map<number, number>();

  /** Records a request's lag, reported at `now`. */
  record(lagMs: number, windowMs: number, now: number = Date.now()): void {
    const bucket = Math.floor(now / windowMs);
    this.buckets.set(bucket, Math.max(this.buckets.get(bucket) ?? 0, lagMs));
    for (const old of this.buckets.keys()) {
      if (old <= bucket - LAG_BUCKETS) {
        this.buckets.delete(old);
      }
    }
  }

  /** The largest lag recorded in the last `LAG_BUCKETS` windows. */
  recent(windowMs: number, now: number = Date.now()): number {
    const bucket = Math.floor(now / windowMs);
    let most = 0;
    for (const [key, lag] of this.buckets) {
      if (key > bucket - LAG_BUCKETS) {
        most = Math.max(most, lag);
      }
    }
    return most;
  }
}
