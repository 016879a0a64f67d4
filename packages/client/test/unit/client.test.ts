import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  CreateOutcomeUnknownError,
  createKlingClient,
  KlingAbortError,
  type KlingClient,
  KlingConnectionError,
  KlingError,
  KlingInputError,
  KlingResponseError,
  KlingTimeoutError,
  TaskFailedError,
  WaitTimeoutError,
} from '../../src/index';
import {
  API_KEY,
  BASE_URL,
  client,
  connectionError,
  type ErrorClass,
  failure,
  fakeFetch,
  HANG,
  html,
  IMAGE_URL,
  ok,
  recordIn,
  rejection,
  scripted,
  TASK_ID,
} from './fake-fetch';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

const INPUT = { prompt: 'A cat surfing', image_url: IMAGE_URL };

/** Every way an error can end up in a log. */
function renderings(error: unknown): string[] {
  return [
    String(error),
    (error as Error).message,
    JSON.stringify(error),
    inspect(error, { depth: 5 }),
    inspect(error, { depth: 5, showHidden: true }),
    (error as Error).stack ?? '',
  ];
}

describe('the API key never appears in an error', () => {
  const failing: [string, () => Promise<unknown>, ErrorClass][] = [
    ['a 401', () => client(scripted(failure(401, { status: 401 }))).getTask(TASK_ID), AuthenticationError],
    [
      'a connection error',
      () => client(scripted(connectionError('ECONNREFUSED')), { maxRetries: 0 }).getTask(TASK_ID),
      KlingConnectionError,
    ],
    [
      'a timeout',
      () => client(scripted(HANG), { maxRetries: 0, timeoutMs: 20 }).getTask(TASK_ID),
      KlingTimeoutError,
    ],
    [
      'an HTML body',
      () => client(scripted(html(502)), { maxRetries: 0 }).getTask(TASK_ID),
      KlingResponseError,
    ],
    [
      'an input error',
      () => client(scripted(ok({ taskId: TASK_ID }))).createTask({ input: { ...INPUT, cfg_scale: 2 } }),
      KlingInputError,
    ],
    [
      'an unknown createTask outcome',
      () => client(scripted(connectionError('ECONNRESET'))).createTask({ input: INPUT }),
      CreateOutcomeUnknownError,
    ],
    [
      'an abort',
      () => client(scripted(HANG)).getTask(TASK_ID, { signal: AbortSignal.timeout(10) }),
      KlingAbortError,
    ],
    [
      'a failed task',
      () => client(scripted(ok(recordIn('fail')))).waitForTask(TASK_ID, { pollDelay: () => 10 }),
      TaskFailedError,
    ],
    [
      'a wait deadline',
      () => client(scripted(HANG)).waitForTask(TASK_ID, { timeoutMs: 20 }),
      WaitTimeoutError,
    ],
  ];

  it.each(failing)('after %s', async (_title, call, ErrorClass) => {
    const error = await rejection(call());
    expect(error).toBeInstanceOf(ErrorClass);
    for (const text of renderings(error)) {
      expect(text).not.toContain(API_KEY);
    }
  });

  // A key holding a character a header cannot carry (a pasted line break) would make fetch quote the
  // whole header, key included, in its error: the client refuses such a key up front instead.
  it('even when the key is not a valid header value', () => {
    const key = `${API_KEY}\nsk-second-line`;
    const fake = scripted(ok(recordIn('success')));
    let error: unknown;
    try {
      client(fake, { apiKey: key, maxRetries: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KlingError);
    for (const text of renderings(error)) {
      expect(text).not.toContain(API_KEY);
    }
    expect(fake.calls).toHaveLength(0);
  });
});

describe('the API key', () => {
  it('is required: no apiKey and no KIE_API_KEY throws KlingError', () => {
    vi.stubEnv('KIE_API_KEY', undefined);
    expect(() => createKlingClient({ baseUrl: BASE_URL, fetch: scripted(ok(1)).fetch })).toThrow(KlingError);
    expect(() => createKlingClient()).toThrow(/KIE_API_KEY/);
  });

  it('comes from KIE_API_KEY when not passed', async () => {
    vi.stubEnv('KIE_API_KEY', 'sk-from-env');
    const fake = scripted(ok(100));
    const kling = createKlingClient({ baseUrl: BASE_URL, fetch: fake.fetch });
    await expect(kling.getCredits()).resolves.toBe(100);
    expect(fake.calls[0]?.request.headers.get('authorization')).toBe('Bearer sk-from-env');
  });

  it('prefers the apiKey option over KIE_API_KEY', async () => {
    vi.stubEnv('KIE_API_KEY', 'sk-from-env');
    const fake = scripted(ok(100));
    await client(fake).getCredits();
    expect(fake.calls[0]?.request.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
  });

  it('uses api.kie.ai and the upload host by default, and trims trailing slashes', async () => {
    const fake = fakeFetch((request) =>
      ok(request.url.includes('/api/file-') ? { downloadUrl: 'https://tempfile.example.com/a.png' } : 1),
    );
    const kling = createKlingClient({ apiKey: API_KEY, fetch: fake.fetch });
    await kling.getCredits();
    await kling.uploadFile('https://example.com/a.png');
    const trimmed = createKlingClient({ apiKey: API_KEY, baseUrl: `${BASE_URL}//`, fetch: fake.fetch });
    await trimmed.getCredits();
    expect(fake.calls.map((call) => call.url.href)).toEqual([
      'https://api.kie.ai/api/v1/chat/credit',
      'https://kieai.redpandaai.co/api/file-url-upload',
      `${BASE_URL}/api/v1/chat/credit`,
    ]);
  });
});

describe('in a browser', () => {
  const stubBrowser = () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
  };

  it.each(['https://api.kie.ai', 'https://api.kie.ai/', 'https://kie.ai', undefined])(
    'refuses baseUrl %s without dangerouslyAllowBrowser',
    (baseUrl) => {
      stubBrowser();
      const fake = scripted(ok(1));
      expect(() =>
        createKlingClient({ apiKey: API_KEY, fetch: fake.fetch, ...(baseUrl ? { baseUrl } : {}) }),
      ).toThrow(KlingError);
      expect(() => createKlingClient({ apiKey: API_KEY, baseUrl, fetch: fake.fetch })).toThrow(
        /dangerouslyAllowBrowser/,
      );
    },
  );

  it('allows api.kie.ai with dangerouslyAllowBrowser: true', async () => {
    stubBrowser();
    const fake = scripted(ok(7));
    const kling = createKlingClient({ apiKey: API_KEY, fetch: fake.fetch, dangerouslyAllowBrowser: true });
    await expect(kling.getCredits()).resolves.toBe(7);
  });

  it.each(['https://kie.test', 'https://proxy.example.com', 'https://notkie.ai', 'http://localhost:8787'])(
    'allows the non-kie baseUrl %s',
    async (baseUrl) => {
      stubBrowser();
      const fake = scripted(ok(7));
      const kling = createKlingClient({ apiKey: API_KEY, baseUrl, fetch: fake.fetch });
      await expect(kling.getCredits()).resolves.toBe(7);
    },
  );

  it('does not apply outside a browser (window without document)', () => {
    vi.stubGlobal('window', {});
    expect(() => createKlingClient({ apiKey: API_KEY })).not.toThrow();
  });

  // With a proxy as baseUrl, uploads default to the same proxy, so the key never goes to kie.ai's
  // upload host from the page; pointing uploadBaseUrl at kie.ai needs the opt-in.
  it('does not send the key to kie.ai upload host from a browser without opt-in', async () => {
    stubBrowser();
    const fake = scripted(ok({ downloadUrl: 'https://tempfile.example.com/a.png' }));
    const kling: KlingClient = createKlingClient({
      apiKey: API_KEY,
      baseUrl: 'https://proxy.example.com',
      fetch: fake.fetch,
    });
    await kling.uploadFile('https://example.com/a.png');
    expect(fake.calls.filter((call) => call.url.hostname === 'kieai.redpandaai.co')).toHaveLength(0);
    expect(fake.calls.map((call) => call.url.hostname)).toEqual(['proxy.example.com']);
    expect(() =>
      createKlingClient({
        apiKey: API_KEY,
        baseUrl: 'https://proxy.example.com',
        uploadBaseUrl: 'https://kieai.redpandaai.co',
        fetch: fake.fetch,
      }),
    ).toThrow(KlingError);
  });
});

describe('without an injected fetch', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('calls the global fetch with the URL and init openapi-fetch would send', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response(JSON.stringify({ code: 200, msg: 'success', data: { taskId: TASK_ID } }));
    });
    const kling = createKlingClient({ apiKey: API_KEY, baseUrl: `${BASE_URL}/` });
    await kling.createTask({ input: { prompt: 'a fox', image_url: IMAGE_URL } });
    await expect(kling.getTask('id with spaces&more')).rejects.toBeInstanceOf(KlingResponseError);
    await expect(kling.uploadFile(new Blob(['x'.repeat(10)]), { via: 'stream' })).rejects.toBeInstanceOf(
      KlingResponseError,
    );

    const [create, get, upload] = seen;
    expect(create?.url).toBe(`${BASE_URL}/api/v1/jobs/createTask`);
    expect(create?.init).toMatchObject({
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    });
    expect(JSON.parse(create?.init.body as string)).toEqual({
      model: 'kling/v2-1-pro',
      input: { prompt: 'a fox', image_url: IMAGE_URL },
    });
    expect(create?.init.signal).toBeInstanceOf(AbortSignal);
    expect(get?.url).toBe(`${BASE_URL}/api/v1/jobs/recordInfo?taskId=id%20with%20spaces%26more`);
    expect(get?.init).toMatchObject({ method: 'GET', headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(get?.init.body).toBeUndefined();
    // fetch sets the multipart Content-Type with its boundary: the client must not set one.
    expect(upload?.url).toBe(`${BASE_URL}/api/file-stream-upload`);
    expect(upload?.init.body).toBeInstanceOf(FormData);
    expect(upload?.init.headers).toEqual({ Authorization: `Bearer ${API_KEY}` });
  });
});
