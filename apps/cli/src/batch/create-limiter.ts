/**
 * Keeps `kling batch`'s creates within kie.ai's limit (`RATE_LIMITS.createTask`, 20 per 10 s per
 * account, from the contract), so it never gets a 429 from its own pace. A sliding window: a create
 * takes a slot when it is sent and the slot counts from when its answer came back (the latest the
 * server can have counted it), so the server's window, whatever the latency, never sees more than the
 * limit. Slots of an earlier run of the same journal are counted too: a rerun right after Ctrl-C
 * waits for them.
 */

/** A create's place in the window. */
export interface Slot {
  /** When its answer came (Unix ms); Infinity while the request is out. */
  at: number;
}

export class CreateLimiter {
  private readonly slots: Slot[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | undefined;

  /**
   * @param marginMs added to the window, for timer and clock granularity.
   * @param recent answers of earlier creates (Unix ms), e.g. from the journal.
   */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    recent: readonly number[] = [],
    readonly marginMs = 100,
  ) {
    for (const at of recent) {
      this.slots.push({ at });
    }
  }

  /** Slots taken and not yet out of the window. */
  inWindow(now = Date.now()): number {
    return this.slots.filter((slot) => slot.at + this.windowMs + this.marginMs > now).length;
  }

  /** Resolves with a slot once one is free (first come, first served); rejects when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<Slot> {
    const next = this.queue.then(() => this.take(signal));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The create was answered (or failed) at `at`: its slot counts from then. */
  done(slot: Slot, at = Date.now()): void {
    slot.at = at;
    this.wake?.();
  }

  /** The slot was not used (nothing was sent). */
  cancel(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) {
      this.slots.splice(index, 1);
    }
    this.wake?.();
  }

  private async take(signal?: AbortSignal): Promise<Slot> {
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      for (let index = this.slots.length - 1; index >= 0; index--) {
        if ((this.slots[index] as Slot).at + this.windowMs + this.marginMs <= now) {
          this.slots.splice(index, 1);
        }
      }
      if (this.slots.length < this.limit) {
        const slot: Slot = { at: Number.POSITIVE_INFINITY };
        this.slots.push(slot);
        return slot;
      }
      const earliest = Math.min(...this.slots.map((slot) => slot.at));
      await new Promise<void>((resolve, reject) => {
        const timer =
          earliest === Number.POSITIVE_INFINITY
            ? undefined
            : setTimeout(finish, earliest + this.windowMs + this.marginMs - now);
        const onAbort = () => {
          clearTimeout(timer);
          this.wake = undefined;
          reject(signal?.reason);
        };
        function finish() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
        this.wake = () => {
          this.wake = undefined;
          finish();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}
