/**
 * The createTask validator on its own, importing only the schemas it needs, so a client bundle
 * carries a few hundred bytes of rules instead of every schema of the spec.
 */
import {
  CreateTaskRequestSchema,
  DurationSchema,
  HttpUrlSchema,
  ImageUrlSchema,
  KlingModelSchema,
  KlingV21ProInputSchema,
} from './generated/hey-api/schemas.gen';
import type { components } from './generated/openapi';
import { collectIssues, type JsonSchema, type ValidationIssue, type ValidationResult } from './json-schema';

const REFERENCED: Readonly<Record<string, JsonSchema>> = {
  '#/components/schemas/KlingModel': KlingModelSchema,
  '#/components/schemas/HttpUrl': HttpUrlSchema,
  '#/components/schemas/KlingV21ProInput': KlingV21ProInputSchema,
  '#/components/schemas/ImageUrl': ImageUrlSchema,
  '#/components/schemas/Duration': DurationSchema,
};

function resolve(ref: string): JsonSchema {
  const schema = REFERENCED[ref];
  if (!schema) {
    throw new Error(`validateCreateTaskRequest: $ref "${ref}" is not bundled; add it to REFERENCED`);
  }
  return schema;
}

/** The createTask body: model, callBackUrl and every input limit of the seed. */
export function validateCreateTaskRequest(
  value: unknown,
): ValidationResult<components['schemas']['CreateTaskRequest']> {
  const issues: ValidationIssue[] = [];
  collectIssues(CreateTaskRequestSchema, value, resolve, '', issues);
  return issues.length === 0
    ? { ok: true, value: value as components['schemas']['CreateTaskRequest'] }
    : { ok: false, issues };
}
