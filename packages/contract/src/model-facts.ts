/** Facts about the `kling/v2-1-pro` model read from the spec: its id and its states. */
import { FINAL_TASK_STATES } from './generated/facts';
import { KlingModelSchema, TaskStateSchema } from './generated/hey-api/schemas.gen';
import type { components } from './generated/openapi';

type Schemas = components['schemas'];
/** A task's state. */
export type TaskState = Schemas['TaskState'];

/** The model id this contract covers, `kling/v2-1-pro`. */
export const KLING_MODEL: Schemas['KlingModel'] = KlingModelSchema.default;

/** Every task state, in lifecycle order. */
export const taskStates: readonly TaskState[] = TaskStateSchema.enum;

/** The states a task never leaves (the spec's `x-final-states`). */
export const finalTaskStates: readonly TaskState[] = FINAL_TASK_STATES;

/** Whether a state is final (`success` or `fail`). */
export function isFinalTaskState(state: TaskState): boolean {
  return finalTaskStates.includes(state);
}
