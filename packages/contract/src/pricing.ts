/** Durations, input defaults and prices of `kling/v2-1-pro`, read from the spec. */
import { DurationSchema, KlingV21ProInputSchema } from './generated/hey-api/schemas.gen';
import type { components } from './generated/openapi';

/** The video length, a string enum (`"5"` or `"10"`). */
export type Duration = components['schemas']['Duration'];

/** Every allowed duration. */
export const durations: readonly Duration[] = DurationSchema.enum;

/** The defaults kie.ai applies to omitted optional inputs. */
export const inputDefaults: { readonly duration: Duration; readonly cfg_scale: number } = {
  duration: DurationSchema.default,
  cfg_scale: KlingV21ProInputSchema.properties.cfg_scale.default,
};

/** The price of a task in credits (charged on success only), from the spec's `x-credits`. */
export function creditsForDuration(duration: Duration = inputDefaults.duration): number {
  return DurationSchema['x-credits'][duration];
}
