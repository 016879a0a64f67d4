/**
 * What a create request asks of the mock, whatever its model: the model's catalog entry, the price,
 * the video's length, and what its result video looks like. Everything comes from the contract's
 * catalog (`findModel`, `creditsOf`, `videoSecondsOf`, `hasAudio`), so a model added to the spec
 * needs no change here.
 */
import { creditsOf, findModel, hasAudio, type ModelFacts, videoSecondsOf } from '@kling-kit/contract';
import type { ResultAspectRatio, ResultVideoSpec } from './result-video';

/** What the mock derives from one create request. */
export interface TaskSpec {
  /** The catalog entry of the request's model (a deprecated alias finds its current model). */
  readonly facts: ModelFacts;
  /** Credits the task costs on success (third-party prices; may be fractional, e.g. 22.5 a second). */
  readonly cost: number;
  /** The result video: length (the duration input, or the model's assumed length), frame shape, sound. */
  readonly video: ResultVideoSpec;
}

const RESULT_ASPECT_RATIOS: readonly string[] = ['16:9', '9:16', '1:1'] satisfies ResultAspectRatio[];

/**
 * The frame shape of a request's video: its `aspect_ratio` (with the model's default when omitted)
 * when it is 16:9, 9:16 or 1:1; otherwise 16:9 (`auto`, and the image-driven and avatar models,
 * whose frame follows an input the mock never fetches).
 */
function aspectRatioOf(facts: ModelFacts, input: unknown): ResultAspectRatio {
  const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const value = Object.hasOwn(given, 'aspect_ratio') ? given.aspect_ratio : facts.defaults.aspect_ratio;
  return typeof value === 'string' && RESULT_ASPECT_RATIOS.includes(value)
    ? (value as ResultAspectRatio)
    : '16:9';
}

/** The spec of a validated create request; undefined for a model the catalog does not have. */
export function taskSpecOf(request: {
  readonly model: string;
  readonly input?: unknown;
}): TaskSpec | undefined {
  const facts = findModel(request.model);
  if (!facts) {
    return undefined;
  }
  return {
    facts,
    cost: roundCredits(creditsOf(facts, request.input)),
    video: {
      seconds: videoSecondsOf(facts, request.input),
      aspectRatio: aspectRatioOf(facts, request.input),
      audio: hasAudio(facts, request.input),
    },
  };
}

/**
 * Credits with binary noise removed (balances may be fractional: 0.1 + 0.2 stays 0.3). Six decimals
 * is far finer than any price, and `toFixed` is exact for balances of any size.
 */
export function roundCredits(credits: number): number {
  return Number.isInteger(credits) ? credits : Number(credits.toFixed(6));
}
