/** Durations, input defaults and prices of the seed model, `kling/v2-1-pro`, read from the spec's catalog. */
import { creditsOf, type ModelFacts } from './catalog';
import { DurationSchema } from './generated/hey-api/schemas.gen';
import { KlingV21ProModel } from './generated/models';
import type { components } from './generated/openapi';

/** The video length of the 2.x models, a string enum (`"5"` or `"10"`). */
export type Duration = components['schemas']['Duration'];

/** Every allowed duration of `kling/v2-1-pro`. */
export const durations: readonly Duration[] = DurationSchema.enum;

/** The defaults kie.ai applies to omitted optional inputs of `kling/v2-1-pro`. */
export const inputDefaults: { readonly duration: Duration; readonly cfg_scale: number } =
  KlingV21ProModel.defaults;

/**
 * The price of a `kling/v2-1-pro` task in credits (charged on success only), from its catalog entry.
 * For any model, use `estimateCredits(request)`.
 */
export function creditsForDuration(duration: Duration = inputDefaults.duration): number {
  return creditsOf(KlingV21ProModel as ModelFacts, { duration });
}
