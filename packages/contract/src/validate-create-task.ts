/**
 * The createTask validator for small bundles: the spec's rules compiled to plain code at
 * `pnpm generate` (see scripts/compile-validator.mjs), instead of the JSON Schema interpreter and its
 * schemas. Same issues, same messages as `validateSchema('CreateTaskRequest', …)`.
 */
import { checkCreateTaskRequest } from './generated/check-create-task-request';
import type { components } from './generated/openapi';
import type { ValidationResult } from './json-schema';

/** The createTask body: model, callBackUrl and every input limit of the seed. */
export function validateCreateTaskRequest(
  value: unknown,
): ValidationResult<components['schemas']['CreateTaskRequest']> {
  const issues = checkCreateTaskRequest(value);
  return issues.length === 0
    ? { ok: true, value: value as components['schemas']['CreateTaskRequest'] }
    : { ok: false, issues };
}
