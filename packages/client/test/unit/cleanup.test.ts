/**
 * Every way out of a request or a wait leaves nothing behind: no pending timer (it would keep Node
 * alive for `timeoutMs` or until the next poll) and no listener on the caller's signal. Counted with
 * fake timers and `getEventListeners`; test/integration/process-exit.test.ts checks the real process.
 */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  type ClientOptions,
  KlingAbortError,
  type KlingClient,
  KlingConnectionError,
  KlingResponseError,
  KlingTimeoutError,
  TaskFailedError,
  WaitTimeoutError,
} from '../../src/index';
import {
  client,
  connectionError,
  type ErrorClass,
  failure,
  HANG,
  html,
  IMAGE_URL,
  ok,
  recordIn,
  type Step,
  scripted,
  TASK_ID,
} from './fake-fetch';

afterEach(() => {
  vi.useRealTimers();
});

const TIMEOUT_MS = 20_000;
const CREATE = { input: { prompt: 'A cat surfing', image_url: IMAGE_URL } };

/** A 200 whose body stream fails after the headers arrived. */
const brokenBody = () =>
  new Response(
    new ReadableStream({
      pull(controller) {
        controller.error(new TypeError('terminated'));
      },
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );

const abortAfter =
  (ms: number) =>
  async (controller: AbortController): Promise<void> => {
    await vi.advanceTimersByTimeAsync(ms);
    controller.abort();
  };
const advance = (ms: number) => async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
};

interface Scenario {
  steps: Step[];
  /** The call, given the caller's controller (to abort it up front, or to pass its signal). */
  call: (kling: KlingClient, controller: AbortController) => Promise<unknown>;
  /** What happens while the call runs. */
  meanwhile: (controller: AbortController) => Promise<void>;
  /** The error it ends with, or undefined for a success. */
  rejectsWith?: ErrorClass;
  options?: ClientOptions;
}

const credits = (kling: KlingClient, { signal }: AbortController) => kling.getCredits({ signal });
const wait =
  (options: { timeoutMs?: number; pollDelay?: () => number } = {}) =>
  (kling: KlingClient, { signal }: AbortController) =>
    kling.waitForTask(TASK_ID, { signal, ...options });

const scenarios: Record<string, Scenario> = {
  'a success': { steps: [ok(1)], call: credits, meanwhile: advance(0) },
  'an envelope error': {
    steps: [failure(401, { status: 401 })],
    call: credits,
    meanwhile: advance(0),
    rejectsWith: AuthenticationError,
  },
  'an HTML error page': {
    steps: [html(502)],
    call: credits,
    meanwhile: advance(0),
    rejectsWith: KlingResponseError,
  },
  'fetch throwing': {
    steps: [connectionError('ECONNRESET')],
    call: credits,
    meanwhile: advance(0),
    rejectsWith: KlingConnectionError,
  },
  'the body failing mid-read': {
    steps: [brokenBody],
    call: credits,
    meanwhile: advance(0),
    rejectsWith: KlingConnectionError,
  },
  'the request timing out': {
    steps: [HANG],
    call: credits,
    meanwhile: advance(TIMEOUT_MS),
    rejectsWith: KlingTimeoutError,
  },
  'an already aborted signal (AbortSignal.abort())': {
    steps: [HANG],
    call: (kling) => kling.getCredits({ signal: AbortSignal.abort() }),
    meanwhile: advance(0),
    rejectsWith: KlingAbortError,
  },
  'the caller aborting before the request': {
    steps: [HANG],
    call: (kling, controller) => {
      controller.abort();
      return kling.getCredits({ signal: controller.signal });
    },
    meanwhile: advance(0),
    rejectsWith: KlingAbortError,
  },
  'the caller aborting mid-request': {
    steps: [HANG],
    call: credits,
    meanwhile: abortAfter(10),
    rejectsWith: KlingAbortError,
  },
  'the caller aborting while the body is read': {
    steps: [() => new Response(new ReadableStream({ pull: () => new Promise(() => {}) }))],
    call: credits,
    meanwhile: abortAfter(10),
    rejectsWith: KlingAbortError,
  },
  'a fetch that ignores the signal timing out': {
    steps: [() => new Promise<never>(() => {})],
    call: credits,
    meanwhile: advance(TIMEOUT_MS),
    rejectsWith: KlingTimeoutError,
  },
  'the caller aborting a fetch that ignores the signal': {
    steps: [() => new Promise<never>(() => {})],
    call: credits,
    meanwhile: abortAfter(10),
    rejectsWith: KlingAbortError,
  },
  'the caller aborting createTask mid-request': {
    steps: [HANG],
    call: (kling, { signal }) => kling.createTask(CREATE, { signal }),
    meanwhile: abortAfter(10),
    rejectsWith: KlingAbortError,
  },
  'the caller aborting an upload mid-request': {
    steps: [HANG],
    call: (kling, { signal }) => kling.uploadFile(new Uint8Array([1, 2, 3]), { signal }),
    meanwhile: abortAfter(10),
    rejectsWith: KlingAbortError,
  },
  'the caller aborting during a retry backoff': {
    steps: [failure(429, { status: 429, headers: { 'retry-after': '30' } })],
    call: credits,
    meanwhile: abortAfter(10),
    rejectsWith: KlingAbortError,
    options: { maxRetries: 2 },
  },
  'a wait that succeeds': {
    steps: [ok(recordIn('generating')), ok(recordIn('success'))],
    call: wait({ pollDelay: () => 100 }),
    meanwhile: advance(200),
  },
  'a wait whose task fails': {
    steps: [ok(recordIn('fail'))],
    call: wait(),
    meanwhile: advance(0),
    rejectsWith: TaskFailedError,
  },
  'a wait deadline firing mid-poll': {
    steps: [HANG],
    call: wait({ timeoutMs: 1_000 }),
    meanwhile: advance(1_000),
    rejectsWith: WaitTimeoutError,
  },
  'a wait deadline firing between polls': {
    steps: [ok(recordIn('generating'))],
    call: wait({ timeoutMs: 1_000, pollDelay: () => 60_000 }),
    meanwhile: advance(1_000),
    rejectsWith: WaitTimeoutError,
  },
  'the caller aborting a wait mid-poll': {
    steps: [HANG],
    call: wait(),
    meanwhile: abortAfter(10),
    rejectsWith: KlingAbortError,
  },
  'the caller aborting a wait between polls': {
    steps: [ok(recordIn('generating'))],
    call: wait({ pollDelay: () => 60_000 }),
    meanwhile: abortAfter(10),
    rejectsWith: KlingAbortError,
  },
  'a watch its consumer leaves early': {
    steps: [ok(recordIn('generating'))],
    call: async (kling, { signal }) => {
      for await (const _task of kling.watchTask(TASK_ID, { signal, pollDelay: () => 60_000 })) {
        break;
      }
    },
    meanwhile: advance(0),
  },
};

describe('no timer and no abort listener outlives a call', () => {
  it.each(Object.entries(scenarios))('after %s', async (_title, scenario) => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const kling = client(scripted(...scenario.steps), {
      timeoutMs: TIMEOUT_MS,
      maxRetries: 0,
      ...scenario.options,
    });
    const outcome = scenario.call(kling, controller).then(
      () => undefined,
      (error: unknown) => error,
    );
    await scenario.meanwhile(controller);
    const error = await outcome;
    if (scenario.rejectsWith) {
      expect(error).toBeInstanceOf(scenario.rejectsWith);
    } else {
      expect(error).toBeUndefined();
    }
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
