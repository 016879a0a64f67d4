import { describe, expect, it } from 'vitest';
import { CreateLimiter } from '../../src/batch/create-limiter';

describe('the create limiter', () => {
  it('lets `limit` creates through, then waits until the first answer leaves the window', async () => {
    const limiter = new CreateLimiter(3, 300, [], 10);
    const started = Date.now();
    const slots = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(Date.now() - started).toBeLessThan(100);
    const fourth = limiter.acquire();
    let granted = false;
    void fourth.then(() => {
      granted = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(granted).toBe(false); // all three in flight: their answers have not come
    const answered = Date.now();
    for (const slot of slots) {
      limiter.done(slot, answered);
    }
    await fourth;
    expect(Date.now() - answered).toBeGreaterThanOrEqual(300);
    expect(Date.now() - answered).toBeLessThan(600);
  });

  it('counts creates of an earlier run from the journal', async () => {
    const now = Date.now();
    const limiter = new CreateLimiter(2, 300, [now - 100, now - 50], 0);
    expect(limiter.inWindow()).toBe(2);
    const started = Date.now();
    await limiter.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('gives slots back that were not used, and stops waiting when told', async () => {
    const limiter = new CreateLimiter(1, 10_000, [], 0);
    const slot = await limiter.acquire();
    const stop = new AbortController();
    const waiting = limiter.acquire(stop.signal);
    stop.abort();
    await expect(waiting).rejects.toThrow();
    limiter.cancel(slot);
    await limiter.acquire(); // free again at once
  });
});
