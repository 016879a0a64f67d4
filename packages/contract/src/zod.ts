/**
 * @kling-kit/contract/zod: the zod v4 schemas that @hey-api/openapi-ts generates from the spec.
 *
 * Caveat of the generator (0.95): `multipleOf` (cfg_scale's 0.1 step) and defaults behind a
 * `$ref` are not emitted. Use `validateCreateTaskRequest` from the main entry for the full rules.
 */
export {
  zBase64UploadRequest,
  zCallbackPayload,
  zCallbackRecord,
  zCreateTaskEnvelope,
  zCreateTaskRequest,
  zCreateTaskResult,
  zCreditBalanceEnvelope,
  zDownloadUrlEnvelope,
  zDownloadUrlRequest,
  zDuration,
  zErrorEnvelope,
  zFailCode,
  zFileUploadEnvelope,
  zFileUploadResult,
  zKlingModel,
  zKlingV21ProInput,
  zResponseCode,
  zStreamUploadRequest,
  zTaskId,
  zTaskParam,
  zTaskRecord,
  zTaskRecordEnvelope,
  zTaskResult,
  zTaskState,
  zUrlUploadRequest,
} from './generated/hey-api/zod.gen';
