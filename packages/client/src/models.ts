/**
 * `@kling-kit/client/models`: the Kling models kie.ai serves, one definition each (its catalog entry
 * and the checks of its createTask body), to register with `createKlingClient({ models })`:
 *
 * ```ts
 * import { createKlingClient } from '@kling-kit/client';
 * import { kling26ImageToVideo, klingV21Pro } from '@kling-kit/client/models';
 *
 * const kling = createKlingClient({ models: [klingV21Pro, kling26ImageToVideo] });
 * ```
 *
 * Each definition is a separate export, so a bundle keeps only the models it imports (under 1 kB
 * gzip each). `models` is the catalog alone (names, kinds, durations, prices; no checks) for a model
 * picker, and `estimateCredits` prices a request of any model from it.
 */
export {
  type AnyModelId,
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
  videoSecondsOf,
} from '@kling-kit/contract';
export * from '@kling-kit/contract/models';
