/**
 * @kling-kit/client: the SDK for kie.ai's Kling video models (Kling v2.1 Pro image-to-video by
 * default; the other models' definitions are in `@kling-kit/client/models`).
 *
 * ```ts
 * const kling = createKlingClient({ apiKey: process.env.KIE_API_KEY });
 * const task = await kling.generate({ input: { prompt, image_url } });
 * console.log(task.resultUrls[0]);
 * ```
 */
export type {
  AnyModelId,
  CreateTaskRequest,
  InputOf,
  KlingV21ProInput,
  ModelAlias,
  ModelId,
  RequestOf,
  TaskRecord,
  TaskState,
} from '@kling-kit/contract';
export type { ModelDefinition } from '@kling-kit/contract/models';
export {
  type CallOptions,
  type CreateTaskParams,
  createKlingClient,
  type DefaultModel,
  type DefaultModelParams,
  type KlingClient,
  type ModelParams,
  type RegisteredModelId,
} from './client';
export type { AcquireResult, Coordinator, RateLimitedOperation } from './coordination';
export {
  AuthenticationError,
  apiError,
  BadRequestError,
  CallbackVerificationError,
  CreateOutcomeUnknownError,
  FeatureDisabledError,
  GenerationFailedError,
  InsufficientCreditsError,
  isKlingError,
  KlingAbortError,
  KlingApiError,
  KlingConnectionError,
  KlingError,
  KlingInputError,
  KlingResponseError,
  KlingTimeoutError,
  NotFoundError,
  RateLimitError,
  type RequestInfo,
  ServerError,
  ServiceUnavailableError,
  SubKeyLimitError,
  TaskFailedError,
  ValidationError,
  WaitTimeoutError,
} from './errors';
export type { ClientHooks, ClientOptions } from './options';
export { defaultPollDelay, type PollDelay } from './poll-schedule';
export { decodeTask, type ParamOf, type Task, type TaskHandle } from './task';
export { BASE64_UPLOAD_MAX_BYTES, type UploadedFile, type UploadOptions, type UploadSource } from './uploads';
export type { WaitOptions } from './wait';
