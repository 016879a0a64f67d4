/**
 * Validators for the contract's named schemas: the checks compiled from the spec at `pnpm generate`
 * (scripts/compile-validator.mjs, one function per schema), typed. No limit is written here, and a
 * bundle keeps only the checks it imports.
 */
import * as generatedSchemas from './generated/hey-api/schemas.gen';
import type { components } from './generated/openapi';
import * as checks from './generated/validators';
import {
  type JsonSchema,
  type ValidationIssue,
  type ValidationResult,
  type Validator,
  validatorOf,
} from './validation';

type Schemas = components['schemas'];
/** The name of a schema under `components.schemas` in the spec. */
export type SchemaName = keyof Schemas;

/** The JSON Schema of a named component, as generated (with `$ref`s to other components). */
export function jsonSchemaOf(name: SchemaName): JsonSchema {
  const schema = (generatedSchemas as Record<string, JsonSchema>)[`${name}Schema`];
  if (!schema) {
    throw new Error(`No generated JSON Schema for "${name}"`);
  }
  return schema;
}

/** Validates a value against the named schema of the spec (keeps every check in a bundle: prefer the named validators). */
export function validateSchema<N extends SchemaName>(name: N, value: unknown): ValidationResult<Schemas[N]> {
  const check = (checks as Record<string, ((value: unknown) => ValidationIssue[]) | undefined>)[
    `check${name}`
  ];
  if (!check) {
    throw new Error(`No compiled validator for "${name}"`);
  }
  return validatorOf<Schemas[N]>(check)(value);
}

/** The createTask body: model, callBackUrl and every input limit. */
export const validateCreateTaskRequest: Validator<Schemas['CreateTaskRequest']> = /* @__PURE__ */ validatorOf(
  checks.checkCreateTaskRequest,
);
/** The `input` object of a createTask body alone. */
export const validateKlingV21ProInput: Validator<Schemas['KlingV21ProInput']> = /* @__PURE__ */ validatorOf(
  checks.checkKlingV21ProInput,
);
/** A recordInfo record (`data` of a successful recordInfo answer). */
export const validateTaskRecord: Validator<Schemas['TaskRecord']> = /* @__PURE__ */ validatorOf(
  checks.checkTaskRecord,
);
/** The decoded `resultJson` of a success record. */
export const validateTaskResult: Validator<Schemas['TaskResult']> = /* @__PURE__ */ validatorOf(
  checks.checkTaskResult,
);
/** The body kie.ai POSTs to `callBackUrl`. */
export const validateCallbackPayload: Validator<Schemas['CallbackPayload']> = /* @__PURE__ */ validatorOf(
  checks.checkCallbackPayload,
);
/** The download-url request body. */
export const validateDownloadUrlRequest: Validator<Schemas['DownloadUrlRequest']> =
  /* @__PURE__ */ validatorOf(checks.checkDownloadUrlRequest);
/** The base64 upload request body. */
export const validateBase64UploadRequest: Validator<Schemas['Base64UploadRequest']> =
  /* @__PURE__ */ validatorOf(checks.checkBase64UploadRequest);
/** The URL upload request body. */
export const validateUrlUploadRequest: Validator<Schemas['UrlUploadRequest']> = /* @__PURE__ */ validatorOf(
  checks.checkUrlUploadRequest,
);
/** Any of the API's `{code, msg, data}` error envelopes. */
export const validateErrorEnvelope: Validator<Schemas['ErrorEnvelope']> = /* @__PURE__ */ validatorOf(
  checks.checkErrorEnvelope,
);
