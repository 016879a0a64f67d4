/** Facts read from the spec: the default model id (the seed) and the task states. */
import { FINAL_TASK_STATES } from './generated/facts';
import { KlingModelSchema, TaskStateSchema } from './generated/hey-api/schemas.gen';
import type { components } from './generated/openapi';

type Schemas = components['schemas'];
/** A task's state. */
export type TaskState = Schemas['TaskState'];

/** The default model, the seed `kling/v2-1-pro` (the first of the catalog). */
export const KLING_MODEL: Schemas['KlingModel'] = KlingModelSchema.default;

/** Every task state, in lifecycle order. */
export const taskStates: readonly TaskState[] = TaskStateSchema.enum;

/** The states a task never leaves (the spec's `x-final-states`). */
export const finalTaskStates: readonly TaskState[] = FINAL_TASK_STATES;

/** Whether a state is final (`success` or `fail`). */
export function isFinalTaskState(state: TaskState): boolean {
  return finalTaskStates.includes(state);
}
