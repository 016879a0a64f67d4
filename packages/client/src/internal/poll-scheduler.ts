/**
 * One scheduler per client for every wait: each poll asks for a slot at the time its schedule wants,
 * and the scheduler hands slots out in time order, never more than `maxPerSecond` in any second, so
 * a thousand waits together stay within kie.ai's 10 queries per second per key.
 */
interface Ticket {
  at: number;
  grant: () => void;
}

export class PollScheduler {
  private readonly granted: number[] = [];
  private queue: Ticket[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly maxPerSecond: number) {}

  /** Resolves at `at` (Unix ms) or later, when a slot is free; rejects with the signal's reason. */
  slot(at: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const ticket: Ticket = {
        at,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.queue = this.queue.filter((other) => other !== ticket);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const index = this.queue.findIndex((other) => other.at > at);
      this.queue.splice(index < 0 ? this.queue.length : index, 0, ticket);
      this.pump();
    });
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    while (this.granted.length > 0 && (this.granted[0] as number) <= now - 1_000) {
      this.granted.shift();
    }
    let next = this.queue[0];
    while (next && next.at <= now && this.granted.length < this.maxPerSecond) {
      this.queue.shift();
      this.granted.push(now);
      next.grant();
      next = this.queue[0];
    }
    if (next) {
      const windowFree = this.granted.length >= this.maxPerSecond ? (this.granted[0] as number) + 1_000 : now;
      this.timer = setTimeout(() => this.pump(), Math.max(next.at, windowFree) - now);
    }
  }
}
