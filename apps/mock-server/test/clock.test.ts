import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClock } from '../src/state/clock';
import { type Timer, TimerQueue } from '../src/state/timer-queue';

afterEach(() => {
  vi.useRealTimers();
});

describe('the timer queue', () => {
  it('hands timers out by time, and in insertion order at equal times', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const queue = new TimerQueue();
        const timers: Timer[] = times.map((at, seq) => ({ at, seq, run: () => {}, cancelled: false }));
        for (const timer of timers) {
          queue.push(timer);
        }
        const popped: Timer[] = [];
        for (let timer = queue.pop(); timer; timer = queue.pop()) {
          popped.push(timer);
        }
        const expected = [...timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
        expect(popped).toEqual(expected);
        expect(queue.size).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('counts live timers, not cancelled ones', () => {
    const queue = new TimerQueue();
    const timers: Timer[] = [3, 1, 2].map((at, seq) => ({ at, seq, run: () => {}, cancelled: false }));
    for (const timer of timers) {
      queue.push(timer);
    }
    (timers[0] as Timer).cancelled = true;
    expect(queue.size).toBe(3);
    expect(queue.live()).toBe(2);
    expect(queue.peek()?.at).toBe(1);
  });
});

describe('the mock clock', () => {
  it('runs due timers in time order when advanced, skipping cancelled ones', () => {
    const clock = createClock();
    const ran: string[] = [];
    const start = clock.now();
    clock.schedule(start + 3_000, () => ran.push('c'));
    const cancel = clock.schedule(start + 2_000, () => ran.push('cancelled'));
    clock.schedule(start + 1_000, () => ran.push('a'));
    clock.schedule(start + 1_000, () => ran.push('b'));
    clock.schedule(start + 60_000, () => ran.push('later'));
    cancel();
    expect(clock.pending()).toBe(4);
    clock.advance(5_000);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(clock.pending()).toBe(1);
    clock.stop();
    expect(clock.pending()).toBe(0);
  });

  it('runs timers that a timer schedules, when they are already due', () => {
    const clock = createClock();
    const ran: number[] = [];
    const start = clock.now();
    clock.schedule(start + 1_000, () => {
      ran.push(1);
      clock.schedule(start + 1_500, () => ran.push(2));
      clock.schedule(start + 9_000, () => ran.push(3));
    });
    clock.advance(2_000);
    expect(ran).toEqual([1, 2]);
    clock.stop();
  });

  it('fires on the wall clock too, not before its time', () => {
    // A fake wall clock (setTimeout and Date): the timer's time is checked to the millisecond.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const clock = createClock();
    const start = clock.now();
    const firedAt: number[] = [];
    clock.schedule(start + 30, () => firedAt.push(clock.now()));
    vi.advanceTimersByTime(29);
    expect(firedAt).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(firedAt).toEqual([start + 30]);
    expect(clock.pending()).toBe(0);
    clock.stop();
  });
});
