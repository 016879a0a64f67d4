import {
  apiError,
  CreateOutcomeUnknownError,
  KlingConnectionError,
  WaitTimeoutError,
} from '@kling-kit/client';
import { describeResponseCode, RESPONSE_CODE_FACTS } from '@kling-kit/contract';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/exit-codes';
import { explain } from '../../src/explain';
import { bytes, clock, parseDuration, shellWord } from '../../src/format';

describe('explain', () => {
  it('gives every error code of the spec its meaning, a hint and an exit code from the table', () => {
    const exits = new Set<number>(Object.values(EXIT_CODES));
    for (const { code } of RESPONSE_CODE_FACTS.filter((fact) => fact.code !== 200)) {
      const explained = explain(apiError(code, 200, 'said'));
      expect(explained.message).toBe(
        `kie.ai answered ${code} (${describeResponseCode(code)?.meaning}): said`,
      );
      expect(explained.hint?.length).toBeGreaterThan(10);
      expect(exits.has(explained.exitCode)).toBe(true);
    }
    expect(explain(apiError(402, 200, ''), { balance: 12.5, needed: 50 }).hint).toBe(
      'top up your kie.ai credits (your balance is 12.5 credits, this task needs about 50)',
    );
  });

  it('tells unknown create outcomes, timeouts and the network apart', () => {
    expect(explain(new CreateOutcomeUnknownError('x')).exitCode).toBe(EXIT_CODES.createUnknown);
    const timeout = explain(new WaitTimeoutError('t1', 60_000, 'generating'), {
      resume: 'kling wait t1 --out t1.mp4',
    });
    expect(timeout).toMatchObject({
      exitCode: EXIT_CODES.waitTimeout,
      hint: 'wait longer with --timeout; resume with: kling wait t1 --out t1.mp4',
    });
    expect(explain(new KlingConnectionError('ECONNREFUSED'), { baseUrl: 'http://x' }).exitCode).toBe(
      EXIT_CODES.network,
    );
  });
});

describe('format', () => {
  it('writes durations, sizes and shell words for people', () => {
    expect([clock(0), clock(65_000), clock(3_723_000)]).toEqual(['0:00', '1:05', '1:02:03']);
    expect([bytes(950), bytes(12_345), bytes(27_500_000)]).toEqual(['950 B', '12.3 kB', '27.5 MB']);
    expect([
      parseDuration('90s'),
      parseDuration('20m'),
      parseDuration('2h'),
      parseDuration('45'),
      parseDuration('x'),
    ]).toEqual([90_000, 1_200_000, 7_200_000, 45_000, undefined]);
    expect([shellWord('out/a.mp4'), shellWord('my video.mp4'), shellWord("it's.mp4")]).toEqual([
      'out/a.mp4',
      "'my video.mp4'",
      `'it'\\''s.mp4'`,
    ]);
  });
});
