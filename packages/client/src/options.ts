/** Options of `createKlingClient`. */
import type { ModelId } from '@kling-kit/contract';
import type { ModelDefinition } from '@kling-kit/contract/models';
import type { Coordinator } from './coordination';
import type { Task } from './task';

/** Observability hooks: called synchronously, must not throw. */
export interface ClientHooks {
  /** Before every HTTP attempt. */
  onRequest?(event: { request: string; attempt: number }): void;
  /** Before waiting to retry a failed attempt. */
  onRetry?(event: { request: string; attempt: number; delayMs: number; error: Error }): void;
  /** After every poll of a waited task. */
  onPoll?(event: { taskId: string; state: string; polls: number; elapsedMs: number }): void;
  /** When a waited task changes state. */
  onStateChange?(event: { task: Task; elapsedMs: number }): void;
}

/** `M`: the ids of the models registered with `models` (every model's when there is no `models`). */
export interface ClientOptions<M extends ModelId = ModelId> {
  /** kie.ai API key. Defaults to the `KIE_API_KEY` environment variable where one exists. */
  apiKey?: string;
  /**
   * The models whose requests this client checks locally before sending them: definitions from
   * `@kling-kit/client/models` (`klingV21Pro`, `kling26ImageToVideo`, …). Only their ids type-check
   * in `createTask` and `generate`, and each adds its checks and catalog entry
   * to your bundle (a few hundred bytes gzipped; `pnpm bench` lists them). Without this option every
   * model type-checks, but only `kling/v2-1-pro` is checked locally: a request for another model
   * goes out as it is, and kie.ai (or the mock) validates it.
   * @default [klingV21Pro]
   */
  models?: readonly ModelDefinition<M>[];
  /** @default 'https://api.kie.ai' */
  baseUrl?: string;
  /** kie.ai's upload server. @default 'https://kieai.redpandaai.co' */
  uploadBaseUrl?: string;
  /** A `fetch` to use instead of the global one (tests, proxies, custom agents). */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries of a failed GET or other safe call (createTask: only when provably not created). @default 2 */
  maxRetries?: number;
  /** Timeout of one HTTP request, in ms. @default 60000 */
  timeoutMs?: number;
  /** Most recordInfo polls per second for all waits of this client together (kie.ai allows 10 per key). @default 8 */
  maxPollsPerSecond?: number;
  /**
   * Shares kie.ai's limits and task completions with the other processes on this key (e.g.
   * `createRedisCoordinator` from `@kling-kit/redis`): creates, polls and `getTask` ask its budget
   * first, and a wait on a handle with a `callBackUrl` resolves from its completion feed.
   * @default none: this client paces only itself
   */
  coordinator?: Coordinator;
  hooks?: ClientHooks;
  /**
   * In a browser, talking to api.kie.ai directly exposes the key to anyone who opens the page, so the
   * client refuses unless this is true. A mock server or your own proxy as `baseUrl` needs no opt-in.
   * @default false
   */
  dangerouslyAllowBrowser?: boolean;
}
