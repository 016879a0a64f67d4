/** Options of `createKlingClient`. */
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

export interface ClientOptions {
  /** kie.ai API key. Defaults to the `KIE_API_KEY` environment variable where one exists. */
  apiKey?: string;
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
  hooks?: ClientHooks;
  /**
   * In a browser, talking to api.kie.ai directly exposes the key to anyone who opens the page, so the
   * client refuses unless this is true. A mock server or your own proxy as `baseUrl` needs no opt-in.
   * @default false
   */
  dangerouslyAllowBrowser?: boolean;
}
