/**
 * A model's definition: what code needs of its catalog entry (id, length, sound, price) and its
 * compiled request validator. The prose of the catalog (summary, sources, docs, example) stays in
 * `models`, so a bundle that registers one model carries only its essentials and checks.
 */
import type { ModelEssentials, ModelId, RequestOf } from './catalog';
import type { ValidationIssue, Validator } from './validation';
import { validatorOf } from './validation';

/** One model: its essentials and the validator of its createTask body. */
export interface ModelDefinition<M extends ModelId = ModelId> extends ModelEssentials {
  readonly id: M;
  /** Checks a whole createTask body of this model: model, callBackUrl and every input limit. */
  readonly validate: Validator<RequestOf<M>>;
}

/** Joins a model's essentials and its compiled check (used by the generated definitions). */
export function defineModel<M extends ModelId>(
  essentials: ModelEssentials & { readonly id: M },
  check: (value: unknown) => ValidationIssue[],
): ModelDefinition<M> {
  return { ...essentials, validate: validatorOf(check) };
}
