/** How long a task spends in each state: the `--timing` profiles. */
import { CALLBACK_DELIVERY, type ModelFacts } from '@kling-kit/contract';
import type { Random } from './random';

/** Fixed per-state durations in milliseconds. */
export interface StateDurations {
  readonly waitingMs: number;
  readonly queuingMs: number;
  readonly generatingMs: number;
}

/**
 * `fast`: a whole life within 3 s (for tests). `realistic`: tens of seconds to minutes with
 * variance, longer for slower models and longer videos (like kie.ai). Or explicit durations per state.
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

/** What the plan of a task depends on: its model's generation-time estimate and its video's length. */
export interface TaskTimingFacts {
  /** The model's catalog estimate: generation takes `base + perVideoSecond × seconds` seconds. */
  readonly generationSeconds: ModelFacts['generationSeconds'];
  /** The length of the video the task makes, in seconds. */
  readonly seconds: number;
}

/** `realistic` generation lasts between these shares of its median (a rare draw is clamped to them). */
const REALISTIC_MIN_SHARE = 0.45;
const REALISTIC_MAX_SHARE = 2.5;

/** The median generation time of a task in `realistic` timing, in ms (`kling/v2-1-pro`: 110 s for 5 s, 200 s for 10 s). */
export function realisticGenerationMs(task: TaskTimingFacts): number {
  const { base, perVideoSecond } = task.generationSeconds;
  return Math.round((base + perVideoSecond * task.seconds) * 1000);
}

/**
 * The state durations of one task. `fast` keeps a whole life within 3 s, a little longer for longer
 * videos (5 s: 1–1.8 s generating, 10 s: 1.4–2.2 s, at most 1.6–2.4 s). `realistic` draws the
 * generation time around the model's estimate (see `realisticGenerationMs`) with a long right tail.
 */
export function planStateDurations(timing: Timing, task: TaskTimingFacts, random: Random): StateDurations {
  if (timing === 'fast') {
    const shortest = Math.min(1600, Math.max(840, Math.round(1000 + 80 * (task.seconds - 5))));
    return {
      waitingMs: random.int(100, 200),
      queuingMs: random.int(200, 400),
      generatingMs: random.int(shortest, shortest + 800),
    };
  }
  if (timing === 'realistic') {
    const median = realisticGenerationMs(task);
    return {
      waitingMs: around(random, 2_000, 0.5, 500, 8_000),
      queuingMs: around(random, 12_000, 0.8, 2_000, 120_000),
      generatingMs: around(
        random,
        median,
        0.3,
        Math.round(median * REALISTIC_MIN_SHARE),
        Math.round(median * REALISTIC_MAX_SHARE),
      ),
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
