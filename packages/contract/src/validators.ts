/**
 * Validators for the contract's named schemas, compiled from the JSON Schemas that
 * @hey-api/openapi-ts generates from `spec/kling.yaml`. No limit is written here.
 */
import * as generatedSchemas from './generated/hey-api/schemas.gen';
import type { components } from './generated/openapi';
import {
  assertSupportedKeywords,
  collectIssues,
  type JsonSchema,
  type ValidationIssue,
  type ValidationResult,
} from './json-schema';

type Schemas = components['schemas'];
/** The name of a schema under `components.schemas` in the spec. */
export type SchemaName = keyof Schemas;

const REF_PREFIX = '#/components/schemas/';

/** The JSON Schema of a named component, as generated (with `$ref`s to other components). */
export function jsonSchemaOf(name: SchemaName): JsonSchema {
  const schema = (generatedSchemas as Record<string, JsonSchema>)[`${name}Schema`];
  if (!schema) {
    throw new Error(`No generated JSON Schema for "${name}"`);
  }
  return schema;
}

function resolveRef(ref: string): JsonSchema {
  if (!ref.startsWith(REF_PREFIX)) {
    throw new Error(`Unsupported $ref "${ref}"`);
  }
  return jsonSchemaOf(ref.slice(REF_PREFIX.length) as SchemaName);
}

/** Throws unless every generated schema uses only keywords the validator enforces (checked by the tests). */
export function assertAllSchemasSupported(): void {
  for (const [exportName, schema] of Object.entries(generatedSchemas)) {
    assertSupportedKeywords(schema as JsonSchema, exportName);
  }
}

/** Formats issues as one line each: `input.prompt: must be at most 5000 characters`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
}

/** Validates a value against the named schema of the spec. */
export function validateSchema<N extends SchemaName>(name: N, value: unknown): ValidationResult<Schemas[N]> {
  const issues: ValidationIssue[] = [];
  collectIssues(jsonSchemaOf(name), value, resolveRef, '', issues);
  return issues.length === 0 ? { ok: true, value: value as Schemas[N] } : { ok: false, issues };
}

/** A validator bound to one schema of the spec. */
export type Validator<T> = (value: unknown) => ValidationResult<T>;

const bind =
  <N extends SchemaName>(name: N): Validator<Schemas[N]> =>
  (value) =>
    validateSchema(name, value);

/** The `input` object of a createTask body alone. */
export const validateKlingV21ProInput = bind('KlingV21ProInput');
/** A recordInfo record (`data` of a successful recordInfo answer). */
export const validateTaskRecord = bind('TaskRecord');
/** The decoded `resultJson` of a success record. */
export const validateTaskResult = bind('TaskResult');
/** The body kie.ai POSTs to `callBackUrl`. */
export const validateCallbackPayload = bind('CallbackPayload');
/** The download-url request body. */
export const validateDownloadUrlRequest = bind('DownloadUrlRequest');
/** The base64 upload request body. */
export const validateBase64UploadRequest = bind('Base64UploadRequest');
/** The URL upload request body. */
export const validateUrlUploadRequest = bind('UrlUploadRequest');
/** Any of the API's `{code, msg, data}` error envelopes. */
export const validateErrorEnvelope = bind('ErrorEnvelope');
