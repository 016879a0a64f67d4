/** Facts about the `kling/v2-1-pro` model read from the spec: states, defaults and prices. */
import {
  DurationSchema,
  KlingModelSchema,
  KlingV21ProInputSchema,
  TaskStateSchema,
} from './generated/hey-api/schemas.gen';
import type { components } from './generated/openapi';

type Schemas = components['schemas'];
/** The video length, a string enum (`"5"` or `"10"`). */
export type Duration = Schemas['Duration'];
/** A task's state. */
export type TaskState = Schemas['TaskState'];

/** The model id this contract covers, `kling/v2-1-pro`. */
export const KLING_MODEL: Schemas['KlingModel'] = KlingModelSchema.default;

/** Every task state, in lifecycle order. */
export const taskStates: readonly TaskState[] = TaskStateSchema.enum;

/** The states a task never leaves. */
export const finalTaskStates: readonly TaskState[] = ['success', 'fail'];

/** Whether a state is final (`success` or `fail`). */
export function isFinalTaskState(state: TaskState): boolean {
  return finalTaskStates.includes(state);
}

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
