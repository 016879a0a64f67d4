/**
 * @kling-kit/contract: everything generated from `spec/kling.yaml`, the contract of kie.ai's
 * Kling video models (19, `kling/v2-1-pro` first). Types from openapi-typescript, validators compiled from the JSON Schemas of
 * @hey-api/openapi-ts, and the OpenAPI document itself. Zod schemas live in
 * `@kling-kit/contract/zod`.
 */
import type { components, operations, paths, webhooks } from './generated/openapi';

export type { components, operations, paths, webhooks };

type Schemas = components['schemas'];

/** The createTask body of any Kling model (a union discriminated by `model`). */
export type CreateTaskRequest = Schemas['CreateTaskRequest'];
/** The `input` of a `kling/v2-1-pro` body: prompt, image_url, duration, negative_prompt, cfg_scale, tail_image_url. */
export type KlingV21ProInput = Schemas['KlingV21ProInput'];
/** `data` of a successful createTask answer. */
export type CreateTaskResult = Schemas['CreateTaskResult'];
/** A task as recordInfo reports it (`param` and `resultJson` still JSON-encoded). */
export type TaskRecord = Schemas['TaskRecord'];
/** The decoded `param` of a record: the create request as it was sent. */
export type TaskParam = Schemas['TaskParam'];
/** The decoded `resultJson` of a success record. */
export type TaskResult = Schemas['TaskResult'];
/** `failCode` as it arrives: string, integer or null. */
export type FailCode = Schemas['FailCode'];
/** The body kie.ai POSTs to `callBackUrl`. */
export type CallbackPayload = Schemas['CallbackPayload'];
/** `data` of a callback: the record plus `consumeCredits` and `remainedCredits`. */
export type CallbackRecord = Schemas['CallbackRecord'];
/** Any `{code, msg, data}` error envelope. */
export type ErrorEnvelope = Schemas['ErrorEnvelope'];
/** createTask's envelope. */
export type CreateTaskEnvelope = Schemas['CreateTaskEnvelope'];
/** recordInfo's envelope. */
export type TaskRecordEnvelope = Schemas['TaskRecordEnvelope'];
/** The credit balance envelope. */
export type CreditBalanceEnvelope = Schemas['CreditBalanceEnvelope'];
/** The download-url request body. */
export type DownloadUrlRequest = Schemas['DownloadUrlRequest'];
/** The download-url envelope. */
export type DownloadUrlEnvelope = Schemas['DownloadUrlEnvelope'];
/** The multipart upload's fields. */
export type StreamUploadRequest = Schemas['StreamUploadRequest'];
/** The base64 upload body. */
export type Base64UploadRequest = Schemas['Base64UploadRequest'];
/** The URL upload body. */
export type UrlUploadRequest = Schemas['UrlUploadRequest'];
/** The upload server's envelope. */
export type FileUploadEnvelope = Schemas['FileUploadEnvelope'];
/** A stored upload (`data` of a successful upload). */
export type FileUploadResult = Schemas['FileUploadResult'];
/** The model id enum (the 19 current ids). */
export type KlingModel = Schemas['KlingModel'];

export {
  type AnyCreateTaskRequest,
  type AnyModelId,
  canonicalModelId,
  creditsOf,
  estimateCredits,
  findModel,
  hasAudio,
  type InputOf,
  type ModelAlias,
  type ModelFacts,
  type ModelId,
  type ModelKind,
  models,
  type RequestOf,
  type RuleValue,
  videoSecondsOf,
} from './catalog';
export { type ErrorClassName, errorClassOf, isTransientCode } from './code-facts';
export {
  CALLBACK_DELIVERY,
  DOWNLOAD_LINK_TTL_MS,
  FINAL_TASK_STATES,
  MISSING_INPUT_ANSWER,
  POLL_SCHEDULE,
  RATE_LIMITS,
  RESPONSE_CODE_FACTS,
  UNKNOWN_MODEL_MESSAGE,
  URL_UPLOAD_TIMEOUT_MS,
} from './generated/facts';
export { MODEL_ALIASES } from './generated/models';
export { spec } from './generated/spec';

export {
  finalTaskStates,
  isFinalTaskState,
  KLING_MODEL,
  type TaskState,
  taskStates,
} from './model-facts';
export { creditsForDuration, type Duration, durations, inputDefaults } from './pricing';
export {
  describeResponseCode,
  isResponseCode,
  type ResponseCode,
  type ResponseCodeInfo,
  responseCodes,
} from './response-codes';
export {
  API_SERVER_URL,
  findOperation,
  isUploadPath,
  OPERATIONS,
  type Operation,
  type OperationId,
  UPLOAD_PATHS,
  UPLOAD_SERVER_URL,
} from './servers';
export {
  formatIssues,
  type JsonSchema,
  type ValidationIssue,
  type ValidationResult,
  type Validator,
} from './validation';
export {
  jsonSchemaOf,
  type SchemaName,
  validateBase64UploadRequest,
  validateCallbackPayload,
  validateCreateTaskRequest,
  validateDownloadUrlRequest,
  validateErrorEnvelope,
  validateKlingV21ProInput,
  validateSchema,
  validateTaskRecord,
  validateTaskResult,
  validateUrlUploadRequest,
} from './validators';
