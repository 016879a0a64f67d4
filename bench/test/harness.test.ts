import { describe, expect, it } from 'vitest';
import { interleaved, median, percentile } from '../src/harness.mjs';
import { bodies, readers, readOnce } from '../src/json-readers.mjs';

describe('the harness', () => {
  it('computes medians and percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5], 99)).toBeCloseTo(4.96);
    expect(percentile([10, 0], 100)).toBe(10);
  });

  it('rotates the order of interleaved runs, so each side goes first in turn', () => {
    const names = ['mock', 'bare', 'prism'];
    expect([0, 1, 2].map((round) => interleaved(names, round)[0])).toEqual(names);
    expect(interleaved(names, 3)).toEqual(names);
  });
});

describe('the JSON readers microbenchmark compares like with like', () => {
  it('reads every benchmarked body to the same value with both readers', async () => {
    const { hand, express } = await readers();
    for (const { body } of bodies()) {
      const expected = JSON.parse(body.toString('utf8'));
      expect((await readOnce(hand(), body)).value).toEqual(expected);
      expect((await readOnce(express(), body)).value).toEqual(expected);
    }
  });
});
