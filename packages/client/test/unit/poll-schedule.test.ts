import type { TaskState } from '@kling-kit/contract';
import { describe, expect, it, vi } from 'vitest';
import { defaultPollDelay } from '../../src/index';

const STATES: (TaskState | undefined)[] = [undefined, 'waiting', 'queuing', 'generating'];
/** Math.random values for the jitter: both ends of the range and points between. */
const RANDOMS = [0, 0.01, 0.1, 0.25, 0.333, 0.5, 0.666, 0.75, 0.9, 0.99, 0.999];

/** A small deterministic generator, so the sampled values are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Elapsed times to sample: a grid plus pseudo-random values up to an hour. */
function elapsedSamples(from: number, to: number): number[] {
  const random = seeded(from + to);
  const grid = [];
  for (let elapsed = from; elapsed < to; elapsed += Math.max(1, Math.floor((to - from) / 400))) {
    grid.push(elapsed);
  }
  const scattered = Array.from({ length: 400 }, () => from + Math.floor(random() * (to - from)));
  return [...grid, ...scattered, to - 1];
}

/** Every (state, elapsed, delay) for the sampled jitter values. */
function sample(from: number, to: number) {
  const rows: { state: TaskState | undefined; elapsed: number; delay: number }[] = [];
  const spy = vi.spyOn(Math, 'random');
  for (const random of RANDOMS) {
    spy.mockReturnValue(random);
    for (const state of STATES) {
      for (const elapsed of elapsedSamples(from, to)) {
        rows.push({ state, elapsed, delay: defaultPollDelay(state, elapsed) });
      }
    }
  }
  spy.mockRestore();
  return rows;
}

describe('defaultPollDelay', () => {
  it('polls every 2.1–2.5 s during the first 30 s', () => {
    const rows = sample(0, 30_000);
    expect(rows.length).toBeGreaterThan(10_000);
    expect(rows.filter(({ delay }) => delay > 2_500 || delay < 2_125)).toEqual([]);
  });

  it('never waits more than 10 % of the elapsed time after 30 s', () => {
    expect(sample(30_000, 3_600_000).filter(({ elapsed, delay }) => delay > elapsed * 0.1)).toEqual([]);
  });

  it('waits at most 10 s while waiting or queuing, 30 s while generating', () => {
    const ceiling = (state: TaskState | undefined) => (state === 'generating' ? 30_000 : 10_000);
    const rows = sample(30_000, 3_600_000);
    expect(rows.filter(({ state, delay }) => delay > ceiling(state))).toEqual([]);
    expect(rows.filter(({ delay }) => delay < 2_125)).toEqual([]); // never faster than the early rate
  });

  it('reaches its ceilings on old tasks', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    // Jitter only shortens a delay, and it is rounded down: a hair under each ceiling.
    expect(defaultPollDelay('queuing', 600_000)).toBe(9_999);
    expect(defaultPollDelay('generating', 600_000)).toBe(29_999);
    expect(defaultPollDelay('generating', 120_000)).toBe(11_999);
  });

  it('keeps the bounds with the real Math.random', () => {
    const violations = [];
    for (let index = 0; index < 20_000; index++) {
      const elapsed = Math.floor(Math.random() * 1_800_000);
      const state = STATES[index % STATES.length];
      const delay = defaultPollDelay(state, elapsed);
      const tenth = elapsed * 0.1;
      const bound = elapsed < 30_000 ? 2_500 : Math.min(state === 'generating' ? 30_000 : 10_000, tenth);
      if (delay > bound) {
        violations.push({ state, elapsed, delay });
      }
    }
    expect(violations).toEqual([]);
  });

  // The jittered delay is rounded down, so it stays within the 10 % bound to the millisecond:
  // elapsed 30009 ms → bound 3000.9 ms, delay 3000 ms (rounding to nearest would give 3001 ms).
  it('never exceeds 10 % of the elapsed time, even at the top of the jitter range', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_99);
    expect(defaultPollDelay('waiting', 30_009)).toBeLessThanOrEqual(3_000.9);
  });

  it.each([
    ['the shortest jitter', () => 0],
    ['the longest jitter', () => 0.999_999],
    ['random jitter', Math.random],
  ])('averages at most 1 request/s over a simulated 5-minute task (%s)', (_title, random) => {
    vi.spyOn(Math, 'random').mockImplementation(random);
    const stateAt = (elapsed: number): TaskState =>
      elapsed < 10_000 ? 'waiting' : elapsed < 40_000 ? 'queuing' : 'generating';
    let elapsed = 0;
    let polls = 0;
    let longestGap = 0;
    while (elapsed < 300_000) {
      polls++;
      const delay = defaultPollDelay(stateAt(elapsed), elapsed);
      longestGap = Math.max(longestGap, delay);
      elapsed += delay;
    }
    expect(polls / 300).toBeLessThanOrEqual(1);
    expect(polls).toBeGreaterThan(20); // and it does keep polling
    expect(longestGap).toBeLessThanOrEqual(30_000);
  });
});
