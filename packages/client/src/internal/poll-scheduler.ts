/**
 * One scheduler per client for every wait: each poll asks for a slot at the time its schedule wants,
 * and the scheduler hands slots out in time order, at least 1/`maxPerSecond` s apart, so a thousand
 * waits together stay within kie.ai's 10 queries per second per key. With a coordinator (`ask`), each
 * slot also waits for the budget shared with the other processes on the key.
 */
interface Ticket {
  at: number;
  grant: () => void;
}

export class PollScheduler {
  private queue: Ticket[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastGrant = Number.NEGATIVE_INFINITY;
  /** Slots are spaced evenly rather than granted in bursts: no one-second window sees a double batch. */
  private readonly spacingMs: number;
  private asking = false;

  /** `ask`: the shared budget, asked once per slot, one question at a time. */
  constructor(
    maxPerSecond: number,
    private readonly ask?: () => Promise<unknown>,
  ) {
    this.spacingMs = 1_000 / maxPerSecond;
  }

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
        // Re-arm for the tickets left, or clear the timer when none is: a timer kept for an aborted
        // wait would hold the process open until that poll's time.
        this.pump();
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
    const next = this.queue[0];
    if (!next || this.asking) {
      return;
    }
    const now = Date.now();
    const due = Math.max(next.at, this.lastGrant + this.spacingMs);
    if (due <= now && this.ask) {
      // The budget answers when this process's turn comes; the earliest ticket then still waiting
      // gets the slot. A failing budget does not stop the waits: this process's pacing still holds.
      this.asking = true;
      const granted = () => {
        this.asking = false;
        this.lastGrant = Date.now();
        this.queue.shift()?.grant();
        this.pump();
      };
      this.ask().then(granted, granted);
      return;
    }
    if (due <= now) {
      this.queue.shift();
      this.lastGrant = now;
      next.grant();
    }
    if (this.queue.length > 0) {
      const first = this.queue[0] as Ticket;
      this.timer = setTimeout(() => this.pump(), Math.max(first.at, this.lastGrant + this.spacingMs) - now);
    }
  }
}
