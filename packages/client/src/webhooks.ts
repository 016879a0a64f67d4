/**
 * `@kling-kit/client/webhooks`: kie.ai's callbacks. `createCallbackHandler` (Fetch) and
 * `createNodeCallbackHandler` (Node, Express) turn a verified callback into one call to your
 * function; `verifyCallback`, `parseCallback` and `signCallback` are the parts they are made of.
 * The signature covers the task id and time, not the body: confirm the record with recordInfo
 * (the handlers' `confirm` option, or `client.confirmCallback()`) before acting on more than the
 * task id. Web Crypto and Fetch only, so it runs in Node, Deno, Bun and edge runtimes.
 */
export { createCallbackHandler, type FetchCallbackHandler } from './webhooks/fetch-handler';
export {
  createNodeCallbackHandler,
  type NodeCallbackHandler,
  type NodeCallbackRequest,
  type NodeCallbackResponse,
} from './webhooks/node-handler';
export type {
  CallbackErrorCode,
  CallbackEvent,
  CallbackFailure,
  CallbackHandlerOptions,
  TaskConfirmer,
} from './webhooks/options';
export {
  type CallbackClaim,
  type CallbackStore,
  createMemoryCallbackStore,
  type MemoryCallbackStoreOptions,
} from './webhooks/store';
export {
  type CallbackHeaders,
  type KlingCallback,
  parseCallback,
  signCallback,
  type VerifyCallbackOptions,
  verifyCallback,
} from './webhooks/verify';
