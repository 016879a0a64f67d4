/**
 * An injected `fetch` for unit tests: no network, no server. Each call is recorded (the `Request`
 * itself, so tests can read its body or check whether its signal aborted) and answered by a script
 * of steps or by a handler.
 */
import type { TaskRecord } from '@kling-kit/contract';
import { vi } from 'vitest';
import { type ClientOptions, createKlingClient, type KlingClient } from '../../src/index';

export const API_KEY = 'sk-unit-test-4f9c2b7e1d';
export const BASE_URL = 'https://kie.test';
export const UPLOAD_BASE_URL = 'https://upload.kie.test';

/** Any error class, for `toBeInstanceOf` tables. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** Never answers; rejects with the signal's reason when the request's signal aborts. */
export const HANG = Symbol('hang');

/**
 * What a call answers: a `Response` (cloned for each use), an `Error` (the fetch rejects with it),
 * `HANG`, or a function of the request.
 */
export type Step = Response | Error | typeof HANG | ((request: Request) => Step | Promise<Step>);

export interface FetchCall {
  readonly request: Request;
  readonly method: string;
  readonly url: URL;
  /** `Date.now()` when the call started. */
  readonly at: number;
}

export interface FakeFetch {
  readonly fetch: (request: Request) => Promise<Response>;
  readonly calls: FetchCall[];
  /** The calls whose path is `pathname`. */
  callsTo(pathname: string): FetchCall[];
}

function hang(request: Request): Promise<Response> {
  return new Promise((_resolve, reject) => {
    if (request.signal.aborted) {
      reject(request.signal.reason);
      return;
    }
    request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
  });
}

async function answer(step: Step, request: Request): Promise<Response> {
  if (step === HANG) {
    return hang(request);
  }
  if (step instanceof Response) {
    return step.clone();
  }
  if (step instanceof Error) {
    throw step;
  }
  return answer(await step(request), request);
}

/** A fetch answered by `handler(request, index)` (index counts from 0 over all calls). */
export function fakeFetch(handler: (request: Request, index: number) => Step | Promise<Step>): FakeFetch {
  const calls: FetchCall[] = [];
  return {
    calls,
    callsTo: (pathname) => calls.filter((call) => call.url.pathname === pathname),
    fetch: async (request) => {
      const index = calls.length;
      calls.push({ request, method: request.method, url: new URL(request.url), at: Date.now() });
      return answer(await handler(request, index), request);
    },
  };
}

/** The call at `index` (throws when there is none, so tests need no `?.` chains). */
export function callAt(fake: FakeFetch, index: number): FetchCall {
  const call = fake.calls[index];
  if (!call) {
    throw new Error(`Expected a fetch call #${index}, got ${fake.calls.length} calls`);
  }
  return call;
}

/** A fetch that answers the steps in order, repeating the last one. */
export function scripted(...steps: Step[]): FakeFetch {
  if (steps.length === 0) {
    throw new Error('scripted() needs at least one step');
  }
  return fakeFetch((_request, index) => steps[Math.min(index, steps.length - 1)] as Step);
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A successful kie.ai envelope. */
export function ok(data: unknown, headers: Record<string, string> = {}): Response {
  return json({ code: 200, msg: 'success', data }, 200, headers);
}

export interface FailureOptions {
  /** The HTTP status; kie.ai sends most business errors as 200. @default 200 */
  status?: number;
  msg?: string;
  /** Which field carries the message. @default 'msg' */
  field?: 'msg' | 'message';
  headers?: Record<string, string>;
}

/** A kie.ai error envelope `{ code, msg, data: null }`. */
export function failure(code: number, options: FailureOptions = {}): Response {
  const { status = 200, msg = `failure ${code}`, field = 'msg', headers = {} } = options;
  return json({ code, [field]: msg, data: null }, status, headers);
}

/** An HTML error page, as a proxy in front of kie.ai would send. */
export function html(status: number): Response {
  return new Response(`<html><body><h1>${status} Bad Gateway</h1></body></html>`, {
    status,
    headers: { 'content-type': 'text/html' },
  });
}

/** What Node's fetch throws when a connection fails (`cause.code` tells how). */
export function connectionError(
  code: 'ECONNREFUSED' | 'ECONNRESET' | 'ENOTFOUND' = 'ECONNREFUSED',
): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
}

export const TASK_ID = 'e989621f54392584b05867f87b160672';
export const IMAGE_URL = 'https://file.example.com/first-frame.png';
export const PARAM = {
  model: 'kling/v2-1-pro',
  input: { prompt: 'A cat surfing', image_url: IMAGE_URL, duration: '5' },
};

/** A recordInfo record; pending unless overridden. */
export function record(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: TASK_ID,
    model: 'kling/v2-1-pro',
    state: 'waiting',
    param: JSON.stringify(PARAM),
    resultJson: null,
    failCode: null,
    failMsg: null,
    costTime: null,
    completeTime: null,
    createTime: Date.now(),
    updateTime: Date.now(),
    ...overrides,
  };
}

/** A recordInfo record in a final or pending state, filled in as kie.ai does. */
export function recordIn(state: TaskRecord['state'], overrides: Partial<TaskRecord> = {}): TaskRecord {
  if (state === 'success') {
    return record({
      state,
      resultJson: JSON.stringify({ resultUrls: ['https://tempfile.example.com/video.mp4'] }),
      failCode: '',
      failMsg: '',
      costTime: 15_000,
      completeTime: Date.now(),
      ...overrides,
    });
  }
  if (state === 'fail') {
    return record({
      state,
      resultJson: '',
      failCode: '500',
      failMsg: 'Internal server error',
      costTime: 0,
      completeTime: Date.now(),
      ...overrides,
    });
  }
  return record({ state, ...overrides });
}

/** A client on the fake fetch, with the test key and hosts. */
export function client(fake: FakeFetch, options: ClientOptions = {}): KlingClient {
  return createKlingClient({
    apiKey: API_KEY,
    baseUrl: BASE_URL,
    uploadBaseUrl: UPLOAD_BASE_URL,
    fetch: fake.fetch,
    // Tests poll every few ms; the pacing itself is tested with an explicit maxPollsPerSecond.
    maxPollsPerSecond: 1_000,
    ...options,
  });
}

/** The rejection of a promise (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved');
}

/**
 * Fakes setTimeout and Date, the only clocks the client reads (request timeouts, backoff, Retry-After
 * dates, wait deadlines, the poll scheduler), so a test asserts exact times and never sleeps:
 * `vi.advanceTimersByTimeAsync` moves the clock. Pair it with `afterEach(() => vi.useRealTimers())`.
 * A fake `Date` also makes `FetchCall.at` exact.
 */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
}

/** A promise and whether it has settled yet: read `settled` after moving the fake clock. */
export function tracked<T>(promise: Promise<T>): { readonly promise: Promise<T>; readonly settled: boolean } {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  return {
    promise,
    get settled() {
      return settled;
    },
  };
}
