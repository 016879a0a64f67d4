/**
 * The mock's own clock: wall time plus an offset that `advance()` moves forward, and timers on that
 * clock. Task transitions, callback retries and expiry all run on it, so a test can skip minutes of
 * a realistic lifecycle in one call.
 */

import { type Timer, TimerQueue } from './timer-queue';

/** Cancels a scheduled timer. */
export type CancelTimer = () => void;

/** The mock clock and its timers. */
export interface MockClock {
  /** Current mock time, Unix milliseconds. */
  now(): number;
  /** How far the mock clock runs ahead of the wall clock, in milliseconds. */
  offsetMs(): number;
  /** Moves the clock forward and runs every timer that became due, in time order. */
  advance(ms: number): void;
  /** Runs `run` when the mock time reaches `at`. */
  schedule(at: number, run: () => void): CancelTimer;
  /** Number of pending timers. */
  pending(): number;
  /** Cancels every timer and stops the wall-clock timer (the clock itself still answers `now`). */
  stop(): void;
}

const MAX_DELAY = 2_147_483_647;

/** Creates a mock clock starting at the wall clock (plus `startOffsetMs`). */
export function createClock(startOffsetMs = 0): MockClock {
  let offset = startOffsetMs;
  let seq = 0;
  const timers = new TimerQueue();
  let wallTimer: NodeJS.Timeout | undefined;
  const now = (): number => Date.now() + offset;

  const arm = (): void => {
    if (wallTimer) {
      clearTimeout(wallTimer);
      wallTimer = undefined;
    }
    const first = timers.peek();
    if (!first) {
      return;
    }
    wallTimer = setTimeout(runDue, Math.min(MAX_DELAY, Math.max(0, first.at - now())));
    wallTimer.unref();
  };

  const runDue = (): void => {
    let first = timers.peek();
    while (first && first.at <= now()) {
      timers.pop();
      if (!first.cancelled) {
        try {
          first.run();
        } catch (error) {
          console.error('kling-mock: a timer failed:', error instanceof Error ? error.message : error);
        }
      }
      first = timers.peek();
    }
    arm();
  };

  return {
    now,
    offsetMs: () => offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError('advance() takes a non-negative number of milliseconds');
      }
      offset += ms;
      runDue();
    },
    schedule(at, run) {
      const timer: Timer = { at, seq: seq++, run, cancelled: false };
      const wasFirst = timers.peek();
      timers.push(timer);
      if (timers.peek() !== wasFirst) {
        arm();
      }
      return () => {
        timer.cancelled = true;
      };
    },
    pending: () => timers.live(),
    stop() {
      timers.clear();
      arm();
    },
  };
}
