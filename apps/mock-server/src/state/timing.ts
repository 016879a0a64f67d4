/** How long a task spends in each state: the `--timing` profiles. */
import { CALLBACK_DELIVERY, type Duration } from '@kling-kit/contract';
import type { Random } from './random';

/** Fixed per-state durations in milliseconds. */
export interface StateDurations {
  readonly waitingMs: number;
  readonly queuingMs: number;
  readonly generatingMs: number;
}

/**
 * `fast`: a whole life within 3 s (for tests). `realistic`: tens of seconds to minutes with
 * variance, longer for 10 s videos (like kie.ai). Or explicit durations per state.
 */
export type Timing = 'fast' | 'realistic' | StateDurations;

/** Parses `fast`, `realistic` or `waiting=500,queuing=1000,generating=3000` (ms; `s` suffix allowed). */
export function parseTiming(text: string): Timing {
  if (text === 'fast' || text === 'realistic') {
    return text;
  }
  const parts = new Map<string, number>();
  for (const part of text.split(',')) {
    const match = /^\s*(waiting|queuing|generating)\s*=\s*(\d+(?:\.\d+)?)(ms|s)?\s*$/.exec(part);
    if (!match) {
      throw new Error(
        `Invalid timing "${text}": use fast, realistic, or waiting=MS,queuing=MS,generating=MS (e.g. generating=5s)`,
      );
    }
    const value = Number(match[2]) * (match[3] === 's' ? 1000 : 1);
    parts.set(match[1] as string, Math.round(value));
  }
  return {
    waitingMs: parts.get('waiting') ?? 0,
    queuingMs: parts.get('queuing') ?? 0,
    generatingMs: parts.get('generating') ?? 0,
  };
}

/** Draws a value around `median` with a long right tail (log-normal), clamped to [min, max]. */
function around(random: Random, median: number, spread: number, min: number, max: number): number {
  const u1 = Math.max(random.next(), 1e-12);
  const u2 = random.next();
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.round(Math.min(max, Math.max(min, median * Math.exp(spread * normal))));
}

/** The state durations of one task. */
export function planStateDurations(timing: Timing, duration: Duration, random: Random): StateDurations {
  const long = duration === '10';
  if (timing === 'fast') {
    return {
      waitingMs: random.int(100, 200),
      queuingMs: random.int(200, 400),
      generatingMs: long ? random.int(1400, 2200) : random.int(1000, 1800),
    };
  }
  if (timing === 'realistic') {
    return {
      waitingMs: around(random, 2_000, 0.5, 500, 8_000),
      queuingMs: around(random, 12_000, 0.8, 2_000, 120_000),
      generatingMs: long
        ? around(random, 200_000, 0.3, 100_000, 480_000)
        : around(random, 110_000, 0.3, 50_000, 300_000),
    };
  }
  return timing;
}

/**
 * Delays before each callback retry: as many retries as kie.ai makes (the spec's `x-delivery`).
 * kie.ai does not document its backoff; these steps are the mock's (the last one repeats).
 */
export function callbackRetryDelays(timing: Timing): readonly number[] {
  const steps = timing === 'realistic' ? [5_000, 30_000, 120_000] : [100, 300, 900];
  return Array.from(
    { length: CALLBACK_DELIVERY.maxRetries },
    (_, retry) => steps[Math.min(retry, steps.length - 1)] as number,
  );
}
