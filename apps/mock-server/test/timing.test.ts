/** planStateDurations: timings that scale with the model and the video's length. */
import { findModel, type ModelFacts, models } from '@kling-kit/contract';
import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../src/state/random';
import { planStateDurations, realisticGenerationMs, type TaskTimingFacts } from '../src/state/timing';

const task = (id: string, seconds: number): TaskTimingFacts => ({
  generationSeconds: (findModel(id) as ModelFacts).generationSeconds,
  seconds,
});

/** A source whose log-normal draws are exactly the median (u1 = 1 makes the normal deviate 0). */
const medianRandom: Random = {
  next: () => 1,
  int: (min) => min,
  hex: (length) => '0'.repeat(length),
  pick: (items) => items[0] as never,
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

describe('realistic timing', () => {
  it('keeps kling/v2-1-pro where it was: 110 s for 5 s, 200 s for 10 s (medians)', () => {
    expect(realisticGenerationMs(task('kling/v2-1-pro', 5))).toBe(110_000);
    expect(realisticGenerationMs(task('kling/v2-1-pro', 10))).toBe(200_000);
    expect(planStateDurations('realistic', task('kling/v2-1-pro', 5), medianRandom)).toEqual({
      waitingMs: 2_000,
      queuingMs: 12_000,
      generatingMs: 110_000,
    });
    expect(planStateDurations('realistic', task('kling/v2-1-pro', 10), medianRandom).generatingMs).toBe(
      200_000,
    );
  });

  it.each(models.map((model) => [model.id, model] as const))(
    '%s: generation median = base + perVideoSecond × seconds',
    (_id, model) => {
      const { base, perVideoSecond } = model.generationSeconds;
      for (const seconds of [3, 5, 10, 15]) {
        const plan = planStateDurations(
          'realistic',
          { generationSeconds: model.generationSeconds, seconds },
          medianRandom,
        );
        expect(plan.generatingMs).toBe((base + perVideoSecond * seconds) * 1000);
      }
    },
  );

  it('is longer for longer videos and for slower models', () => {
    const at = (id: string, seconds: number) =>
      planStateDurations('realistic', task(id, seconds), medianRandom).generatingMs;
    for (const model of models) {
      expect(at(model.id, 15), model.id).toBeGreaterThan(at(model.id, 10));
      expect(at(model.id, 10), model.id).toBeGreaterThan(at(model.id, 5));
    }
    expect(at('kling/v2-1-master-image-to-video', 5)).toBeGreaterThan(at('kling/v2-1-standard', 5));
    expect(at('kling-3.0/video', 15)).toBe(325_000);
    expect(at('kling/v3-turbo-text-to-video', 5)).toBe(40_000);
  });

  it('spreads draws around the median with a long right tail, within 0.45× to 2.5× of it', () => {
    const random = createRandom('timing-spread');
    for (const [id, seconds] of [
      ['kling/v2-1-pro', 5],
      ['kling-3.0/video', 15],
      ['kling/v3-turbo-text-to-video', 3],
    ] as const) {
      const expected = realisticGenerationMs(task(id, seconds));
      const draws = Array.from(
        { length: 2_000 },
        () => planStateDurations('realistic', task(id, seconds), random).generatingMs,
      );
      expect(Math.abs(median(draws) / expected - 1), id).toBeLessThan(0.05);
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(Math.round(expected * 0.45));
      expect(Math.max(...draws)).toBeLessThanOrEqual(Math.round(expected * 2.5));
      // Log-normal: the mean sits above the median.
      expect(draws.reduce((sum, value) => sum + value, 0) / draws.length).toBeGreaterThan(median(draws));
    }
  });
});

describe('fast timing', () => {
  it('ends every task within 3 s, a little later for longer videos, whatever the model', () => {
    const random = createRandom('timing-fast');
    for (const model of models) {
      for (let seconds = 3; seconds <= 15; seconds++) {
        for (let draw = 0; draw < 20; draw++) {
          const plan = planStateDurations(
            'fast',
            { generationSeconds: model.generationSeconds, seconds },
            random,
          );
          expect(plan.waitingMs + plan.queuingMs + plan.generatingMs).toBeLessThanOrEqual(3_000);
          expect(plan.generatingMs).toBeGreaterThanOrEqual(800);
        }
      }
    }
    const shortest = (seconds: number) =>
      planStateDurations('fast', task('kling-3.0/video', seconds), medianRandom).generatingMs;
    // As before for 5 s and 10 s (1–1.8 s and 1.4–2.2 s of generation).
    expect([shortest(5), shortest(10)]).toEqual([1_000, 1_400]);
    expect(shortest(3)).toBeLessThan(shortest(5));
    expect(shortest(15)).toBeGreaterThan(shortest(10));
  });
});

describe('explicit timing', () => {
  it('uses the given durations for every model and length', () => {
    const timing = { waitingMs: 1, queuingMs: 2, generatingMs: 3 };
    for (const model of models) {
      expect(
        planStateDurations(timing, { generationSeconds: model.generationSeconds, seconds: 15 }, medianRandom),
      ).toEqual(timing);
    }
  });
});
