/** A model's definition: its catalog entry with its compiled request validator (tree-shakes per model). */
import type { ModelFacts, ModelId, RequestOf } from './catalog';
import type { ValidationIssue, Validator } from './validation';
import { validatorOf } from './validation';

/** One model: its catalog entry and the validator of its createTask body. */
export interface ModelDefinition<M extends ModelId = ModelId> extends ModelFacts {
  readonly id: M;
  /** Checks a whole createTask body of this model: model, callBackUrl and every input limit. */
  readonly validate: Validator<RequestOf<M>>;
}

/** Joins a catalog entry and its compiled check (used by the generated definitions). */
export function defineModel<const F extends ModelFacts>(
  facts: F,
  check: (value: unknown) => ValidationIssue[],
): ModelDefinition<F['id']> {
  return { ...facts, validate: validatorOf(check) } as unknown as ModelDefinition<F['id']>;
}
