/** A sliding-window limit: at most `limit` events in any `windowMs`. */
export class SlidingWindowLimiter {
  private readonly events: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Records an event at `now` if the window has room; otherwise returns how long to wait (ms). */
  tryAcquire(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    while (this.events.length > 0 && (this.events[0] as number) <= now - this.windowMs) {
      this.events.shift();
    }
    if (this.events.length >= this.limit) {
      return { ok: false, retryAfterMs: (this.events[0] as number) + this.windowMs - now };
    }
    this.events.push(now);
    return { ok: true };
  }
}
