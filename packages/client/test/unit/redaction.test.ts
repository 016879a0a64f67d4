/**
 * The API key never leaves the client inside an error, whatever the fetch puts in the errors it
 * throws: test doubles and proxies quote the request (headers included) in messages, stacks,
 * causes, AggregateErrors and properties of all kinds.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  type ClientHooks,
  CreateOutcomeUnknownError,
  createKlingClient,
  type KlingClient,
  KlingConnectionError,
  KlingError,
  TaskFailedError,
} from '../../src/index';
import {
  API_KEY,
  BASE_URL,
  client,
  failure,
  fakeFetch,
  IMAGE_URL,
  ok,
  recordIn,
  rejection,
  type Step,
  scripted,
  TASK_ID,
} from './fake-fetch';

afterEach(() => {
  vi.unstubAllGlobals();
});

const MASK = '[redacted]';

/** Every string reachable from a value: own properties of any kind, causes, errors, nested objects. */
function strings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (!value || typeof value !== 'object' || seen.has(value)) {
    return [];
  }
  seen.add(value);
  const found: string[] = [];
  try {
    found.push(String(value));
  } catch {
    // an object without a string form (a null-prototype record)
  }
  const keys = new Set<PropertyKey>([...Reflect.ownKeys(value), 'name', 'message', 'stack', 'cause']);
  for (const key of keys) {
    found.push(...strings((value as Record<PropertyKey, unknown>)[key], seen));
  }
  return found;
}

/** Every way an error can end up in a log, and every string it holds. */
function renderings(error: unknown): string[] {
  let json: string;
  try {
    json = JSON.stringify(error);
  } catch {
    json = '';
  }
  return [
    String(error),
    (error as Error).message,
    (error as Error).stack ?? '',
    json,
    inspect(error, { depth: Number.POSITIVE_INFINITY }),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    ...strings(error),
  ];
}

function expectNoKey(error: unknown): void {
  for (const text of renderings(error)) {
    expect(text).not.toContain(API_KEY);
  }
}

/** How the key appears: as fetch's Authorization header carries it, and bare. */
const FORMS: [string, (request: Request) => string][] = [
  ['Bearer <key>', (request) => request.headers.get('authorization') ?? ''],
  ['the bare key', () => API_KEY],
];

/** Where an injected fetch's error puts the text that holds the key. */
const PLACES: [string, (text: string, request: Request) => unknown][] = [
  [
    'the message (JSON of the request, as test doubles write it)',
    (text, request) =>
      new Error(`fetch failed: ${JSON.stringify({ url: request.url, headers: { authorization: text } })}`),
  ],
  [
    'the stack only',
    (text) =>
      Object.assign(new Error('fetch failed'), { stack: `Error: fetch failed\n    at send (${text})` }),
  ],
  ['the cause', (text) => new TypeError('fetch failed', { cause: new Error(`401 for ${text}`) })],
  [
    'a nested cause',
    (text) =>
      new TypeError('fetch failed', {
        cause: new Error('connect failed', { cause: Object.assign(new Error(text), { code: 'ECONNRESET' }) }),
      }),
  ],
  [
    'an AggregateError',
    (text) =>
      new AggregateError([new Error('first try'), new Error(`second try: ${text}`)], 'all tries failed'),
  ],
  [
    'an AggregateError as the cause',
    (text) =>
      new TypeError('fetch failed', { cause: new AggregateError([new Error(text)], 'happy eyeballs') }),
  ],
  ['a string property', (text) => Object.assign(new Error('fetch failed'), { detail: text })],
  [
    'a non-enumerable property',
    (text) => Object.defineProperty(new Error('fetch failed'), 'curl', { value: `curl -H '${text}'` }),
  ],
  [
    'a symbol-keyed property',
    (text) => Object.assign(new Error('fetch failed'), { [Symbol('debug')]: text }),
  ],
  [
    'a nested object property',
    (text) => Object.assign(new Error('fetch failed'), { options: { headers: [['Authorization', text]] } }),
  ],
  [
    'the request itself, as a property',
    (_text, request) => Object.assign(new Error('fetch failed'), { request }),
  ],
  [
    'the request headers, as a property of the cause',
    (_text, request) =>
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('reset'), { headers: request.headers }),
      }),
  ],
  ['a thrown string', (text) => `fetch failed: ${text}`],
  [
    'a cycle',
    (text) => {
      const error = new Error(`fetch failed: ${text}`) as Error & { self?: unknown };
      error.self = error;
      return new TypeError('fetch failed', { cause: error });
    },
  ],
];

const throwing =
  (make: (request: Request) => unknown) =>
  (request: Request): Step => {
    throw make(request);
  };

describe('an injected fetch whose error holds the key', () => {
  describe.each(FORMS)('as %s', (_form, keyText) => {
    it.each(PLACES)('in %s', async (_place, place) => {
      // The double really puts the key where the test says (the fixture is not vacuous).
      const probe = new Request(BASE_URL, { headers: { Authorization: `Bearer ${API_KEY}` } });
      expect(renderings(place(keyText(probe), probe)).some((text) => text.includes(API_KEY))).toBe(true);

      const fake = fakeFetch(throwing((request) => place(keyText(request), request)));
      const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
      expect(error).toBeInstanceOf(KlingConnectionError);
      expectNoKey(error);
      // Text keeps its context around the mask; a Request or Headers object becomes its tag.
      expect(inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })).toMatch(
        /\[redacted\]|\[object (Request|Headers)\]/,
      );
    });
  });

  it('keeps what is useful: the classes, codes and text around the key', async () => {
    const fake = fakeFetch(
      throwing(
        (request) =>
          new TypeError(`fetch failed for ${request.headers.get('authorization')}`, {
            cause: Object.assign(new Error(`connect ECONNREFUSED (${API_KEY})`), { code: 'ECONNREFUSED' }),
          }),
      ),
    );
    const error = (await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID))) as Error;
    expect(error).toBeInstanceOf(KlingConnectionError);
    expect(error.message).toBe('GET /api/v1/jobs/recordInfo: ECONNREFUSED');
    const cause = error.cause as Error & { cause: Error & { code: string } };
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.message).toBe(`fetch failed for Bearer ${MASK}`);
    expect(cause.cause.message).toBe(`connect ECONNREFUSED (${MASK})`);
    expect(cause.cause.code).toBe('ECONNREFUSED');
  });

  it('leaves an error without the key as it is', async () => {
    const thrown = new TypeError('fetch failed', { cause: new Error('socket hang up') });
    const error = (await rejection(client(scripted(thrown), { maxRetries: 0 }).getTask(TASK_ID))) as Error;
    expect(error.cause).toBe(thrown);
  });

  it('also through the global fetch, when none is injected', async () => {
    vi.stubGlobal('fetch', (url: string, init: RequestInit) =>
      Promise.reject(new Error(`fetch failed: ${JSON.stringify({ url, headers: init.headers })}`)),
    );
    const kling = createKlingClient({ apiKey: API_KEY, baseUrl: BASE_URL, maxRetries: 0 });
    const error = await rejection(kling.getCredits());
    expect(error).toBeInstanceOf(KlingConnectionError);
    expectNoKey(error);
  });

  it('and in the error the onRetry hook sees', async () => {
    const seen: Error[] = [];
    const hooks: ClientHooks = { onRetry: ({ error }) => void seen.push(error) };
    const fake = scripted(new Error(`fetch failed: Bearer ${API_KEY}`), ok(recordIn('success')));
    await client(fake, { hooks, maxRetries: 1 }).getTask(TASK_ID);
    expect(seen).toHaveLength(1);
    expectNoKey(seen[0]);
  });

  it('and in createTask’s CreateOutcomeUnknownError, which wraps it', async () => {
    const fake = scripted(new Error(`socket reset while sending Bearer ${API_KEY}`));
    const error = await rejection(
      client(fake).createTask({ input: { prompt: 'A cat', image_url: IMAGE_URL } }),
    );
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expectNoKey(error);
  });
});

describe('an answer that echoes the key', () => {
  it('in an envelope msg (a proxy quoting the header)', async () => {
    const fake = scripted(failure(401, { status: 401, msg: `invalid key: Bearer ${API_KEY}` }));
    const error = await rejection(client(fake).getCredits());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 401, msg: `invalid key: Bearer ${MASK}` });
    expectNoKey(error);
  });

  it('in a failed task’s failMsg', async () => {
    const fake = scripted(ok(recordIn('fail', { failMsg: `upstream rejected ${API_KEY}` })));
    const error = await rejection(client(fake).waitForTask(TASK_ID, { pollDelay: () => 10 }));
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toBeInstanceOf(KlingError);
    expectNoKey(error);
  });
});

describe('every method of the client', () => {
  const leaking = () =>
    fakeFetch(throwing((request) => new Error(`fetch failed: ${request.headers.get('authorization')}`)));
  const input = { prompt: 'A cat surfing', image_url: IMAGE_URL };
  const calls: Record<keyof KlingClient, (kling: KlingClient) => Promise<unknown>> = {
    createTask: (kling) => kling.createTask({ input }),
    getTask: (kling) => kling.getTask(TASK_ID),
    waitForTask: (kling) => kling.waitForTask(TASK_ID, { timeoutMs: 200, pollDelay: () => 10 }),
    watchTask: async (kling) => {
      for await (const _task of kling.watchTask(TASK_ID, { timeoutMs: 200, pollDelay: () => 10 })) {
        // nothing is yielded: every poll fails
      }
    },
    generate: (kling) => kling.generate({ input }),
    getCredits: (kling) => kling.getCredits(),
    getDownloadUrl: (kling) => kling.getDownloadUrl('https://tempfile.example.com/v.mp4'),
    uploadFile: (kling) => kling.uploadFile(new Uint8Array([1, 2, 3])),
    confirmCallback: (kling) => kling.confirmCallback({ data: { taskId: TASK_ID } }),
  };

  it('is covered here (a new method gets a row)', () => {
    expect(Object.keys(calls).sort()).toEqual(Object.keys(client(leaking())).sort());
  });

  it.each(Object.entries(calls))('%s rejects without the key', async (_name, call) => {
    const error = await rejection(call(client(leaking(), { maxRetries: 0 })));
    expect(error).toBeInstanceOf(KlingError);
    expectNoKey(error);
  });
});
