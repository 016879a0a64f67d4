import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  type ClientHooks,
  CreateOutcomeUnknownError,
  FeatureDisabledError,
  GenerationFailedError,
  InsufficientCreditsError,
  KlingAbortError,
  KlingConnectionError,
  KlingError,
  KlingResponseError,
  KlingTimeoutError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  ValidationError,
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
  record,
  rejection,
  type Step,
  scripted,
  TASK_ID,
  tracked,
  useFakeClock,
} from './fake-fetch';

type RetryEvent = Parameters<NonNullable<ClientHooks['onRetry']>>[0];

const CREATE = { input: { prompt: 'A cat surfing', image_url: IMAGE_URL } };

/** Hooks that record every retry, and a promise of the next one. */
function retryRecorder() {
  const events: RetryEvent[] = [];
  const attempts: number[] = [];
  let notify: ((event: RetryEvent) => void) | undefined;
  const hooks: ClientHooks = {
    onRequest: ({ attempt }) => {
      attempts.push(attempt);
    },
    onRetry: (event) => {
      events.push(event);
      notify?.(event);
    },
  };
  const nextRetry = () =>
    new Promise<RetryEvent>((resolve) => {
      notify = resolve;
    });
  return { hooks, events, attempts, nextRetry };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('safe calls (GET) retry transient failures', () => {
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // backoff without Retry-After: 0 ms
  });

  const TRANSIENT: [string, Step, ErrorClass][] = [
    ['HTTP 429', failure(429, { status: 429 }), RateLimitError],
    ['code 429 in an HTTP 200', failure(429), RateLimitError],
    ['code 455', failure(455), ServiceUnavailableError],
    ['HTTP 455', failure(455, { status: 455 }), ServiceUnavailableError],
    ['code 500', failure(500), ServerError],
    ['HTTP 500', failure(500, { status: 500 }), ServerError],
    ['HTTP 503', failure(503, { status: 503 }), ServerError],
    ['HTML 502', html(502), KlingResponseError],
    ['HTML 504', html(504), KlingResponseError],
    ['connection refused', connectionError('ECONNREFUSED'), KlingConnectionError],
    ['connection reset', connectionError('ECONNRESET'), KlingConnectionError],
    ['DNS failure', connectionError('ENOTFOUND'), KlingConnectionError],
    ['a fetch error without cause', new TypeError('Failed to fetch'), KlingConnectionError],
  ];

  it.each(TRANSIENT)('retries %s, then succeeds', async (_title, step, ErrorClass) => {
    const fake = scripted(step, ok(record()));
    const { hooks, events, attempts } = retryRecorder();
    const task = await client(fake, { maxRetries: 2, hooks }).getTask(TASK_ID);

    expect(task.taskId).toBe(TASK_ID);
    expect(fake.calls).toHaveLength(2);
    expect(attempts).toEqual([1, 2]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ request: 'GET /api/v1/jobs/recordInfo', attempt: 1, delayMs: 0 });
    expect(events[0]?.error).toBeInstanceOf(ErrorClass);
  });

  it.each(TRANSIENT)('gives up on %s after maxRetries + 1 attempts', async (_title, step, ErrorClass) => {
    const fake = scripted(step);
    const { hooks, events } = retryRecorder();
    const error = await rejection(client(fake, { maxRetries: 2, hooks }).getTask(TASK_ID));

    expect(error).toBeInstanceOf(ErrorClass);
    expect(fake.calls).toHaveLength(3);
    expect(events.map((event) => event.attempt)).toEqual([1, 2]);
  });

  it('makes exactly one request with maxRetries: 0', async () => {
    const fake = scripted(failure(500, { status: 500 }), ok(record()));
    const { hooks, events } = retryRecorder();
    await expect(client(fake, { maxRetries: 0, hooks }).getTask(TASK_ID)).rejects.toBeInstanceOf(ServerError);
    expect(fake.calls).toHaveLength(1);
    expect(events).toHaveLength(0);
  });

  it('retries twice by default', async () => {
    const fake = scripted(connectionError());
    await expect(client(fake).getTask(TASK_ID)).rejects.toBeInstanceOf(KlingConnectionError);
    expect(fake.calls).toHaveLength(3);
  });

  it.each([
    [400, Error],
    [401, AuthenticationError],
    [402, InsufficientCreditsError],
    [404, Error],
    [422, ValidationError],
    [433, Error],
    [501, GenerationFailedError],
    [505, FeatureDisabledError],
  ])('does not retry code %i', async (code, ErrorClass) => {
    for (const status of [200, code]) {
      const fake = scripted(failure(code, { status }), ok(record()));
      const { hooks, events } = retryRecorder();
      const error = await rejection(client(fake, { maxRetries: 3, hooks }).getTask(TASK_ID));
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toMatchObject({ code, status });
      expect(fake.calls).toHaveLength(1);
      expect(events).toHaveLength(0);
    }
  });

  it('does not retry a 200 whose body is not the envelope', async () => {
    const fake = scripted(html(200), ok(record()));
    await expect(client(fake, { maxRetries: 3 }).getTask(TASK_ID)).rejects.toBeInstanceOf(KlingResponseError);
    expect(fake.calls).toHaveLength(1);
  });

  // Safe calls retry any 5xx the spec does not list as final (isTransientCode: 501 and 505 are final),
  // so a proxy's HTML 520/522/524 (Cloudflare: origin down, timed out) is retried like a 502. Waits
  // share `isTransient` with request() and ride out the same page (see wait.test.ts).
  it.each([520, 522, 524])('retries an HTML %i page from a proxy', async (status) => {
    const fake = scripted(html(status), ok(record()));
    await expect(client(fake, { maxRetries: 2 }).getTask(TASK_ID)).resolves.toMatchObject({
      taskId: TASK_ID,
    });
    expect(fake.calls).toHaveLength(2);
  });

  it('retries the other safe calls (credits, download-url, uploads) too', async () => {
    const fake = scripted(
      failure(500, { status: 500 }),
      ok(42),
      failure(455),
      ok('https://signed.example.com'),
    );
    const kling = client(fake, { maxRetries: 1 });
    await expect(kling.getCredits()).resolves.toBe(42);
    await expect(kling.getDownloadUrl('https://tempfile.example.com/v.mp4')).resolves.toBe(
      'https://signed.example.com',
    );
    expect(fake.calls).toHaveLength(4);
  });
});

describe('retry delays', () => {
  it('honours Retry-After in seconds', async () => {
    useFakeClock();
    const fake = scripted(failure(429, { status: 429, headers: { 'retry-after': '2' } }), ok(record()));
    const { hooks, nextRetry } = retryRecorder();
    const retried = nextRetry();
    const task = client(fake, { maxRetries: 2, hooks }).getTask(TASK_ID);

    expect((await retried).delayMs).toBe(2_000);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(fake.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(task).resolves.toMatchObject({ taskId: TASK_ID });
    expect(fake.calls).toHaveLength(2);
    const [first, second] = fake.calls;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(2_000);
  });

  it.each([
    ['on a code-429 envelope in an HTTP 200', failure(429, { headers: { 'retry-after': '3' } })],
    ['on 455', failure(455, { headers: { 'retry-after': '3' } })],
    ['on HTTP 503', failure(503, { status: 503, headers: { 'retry-after': '3' } })],
  ])('honours Retry-After %s', async (_title, step) => {
    const fake = scripted(step, ok(record()));
    const controller = new AbortController();
    const { hooks, events } = retryRecorder();
    hooks.onRetry = (event) => {
      events.push(event);
      controller.abort(); // the delay is all this test needs
    };
    await expect(
      client(fake, { hooks }).getTask(TASK_ID, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(KlingAbortError);
    expect(events.map((event) => event.delayMs)).toEqual([3_000]);
  });

  it('reads Retry-After as an HTTP date', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.UTC(2026, 0, 1, 12, 0, 0) });
    const fake = scripted(
      failure(429, { status: 429, headers: { 'retry-after': 'Thu, 01 Jan 2026 12:00:05 GMT' } }),
      ok(record()),
    );
    const { hooks, nextRetry } = retryRecorder();
    const retried = nextRetry();
    const task = client(fake, { hooks }).getTask(TASK_ID);
    expect((await retried).delayMs).toBe(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(task).resolves.toMatchObject({ taskId: TASK_ID });
  });

  it('caps Retry-After at 60 s', async () => {
    useFakeClock();
    const fake = scripted(failure(429, { status: 429, headers: { 'retry-after': '3600' } }), ok(record()));
    const { hooks, nextRetry } = retryRecorder();
    const retried = nextRetry();
    const task = client(fake, { hooks }).getTask(TASK_ID);
    expect((await retried).delayMs).toBe(60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(task).resolves.toMatchObject({ taskId: TASK_ID });
  });

  // A bare HTTP 429 (a gateway's "Too Many Requests" page, no envelope) still becomes a RateLimitError
  // with the Retry-After it carries: readEnvelope reads the header on that path too, so the client
  // waits the 2 s the server asked for, not its own backoff (≤ 0.5 s).
  it('honours Retry-After on a bare HTTP 429 without an envelope body', async () => {
    const fake = scripted(
      new Response('Too Many Requests', { status: 429, headers: { 'retry-after': '2' } }),
      ok(record()),
    );
    const controller = new AbortController();
    const { hooks, events } = retryRecorder();
    hooks.onRetry = (event) => {
      events.push(event);
      controller.abort();
    };
    await rejection(client(fake, { hooks }).getTask(TASK_ID, { signal: controller.signal }));
    expect(events[0]?.delayMs).toBe(2_000);
  });

  it('backs off exponentially with full jitter, capped at 8 s', async () => {
    useFakeClock();
    vi.spyOn(Math, 'random').mockReturnValue(1); // the top of each jitter range
    const fake = scripted(connectionError());
    const { hooks, events } = retryRecorder();
    const task = rejection(client(fake, { maxRetries: 6, hooks }).getTask(TASK_ID));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await task).toBeInstanceOf(KlingConnectionError);
    expect(events.map((event) => event.delayMs)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(fake.calls).toHaveLength(7);
  });
});

describe('createTask retries only when the task was provably not created', () => {
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
  });

  it.each([
    ['HTTP 429', failure(429, { status: 429 })],
    ['code 429 in an HTTP 200', failure(429)],
    ['a connection refused before sending', connectionError('ECONNREFUSED')],
    ['a DNS failure', connectionError('ENOTFOUND')],
  ])('retries %s and sends the same body again', async (_title, step) => {
    const fake = scripted(step, ok({ taskId: TASK_ID }));
    const { hooks, events } = retryRecorder();
    const handle = await client(fake, { hooks }).createTask(CREATE);

    expect(handle.taskId).toBe(TASK_ID);
    expect(fake.calls).toHaveLength(2);
    expect(events).toHaveLength(1);
    const [first, second] = await Promise.all(fake.calls.map((call) => call.request.json()));
    expect(second).toEqual(first);
  });

  it('gives up with RateLimitError after maxRetries 429s', async () => {
    const fake = scripted(failure(429, { status: 429 }));
    await expect(client(fake, { maxRetries: 2 }).createTask(CREATE)).rejects.toBeInstanceOf(RateLimitError);
    expect(fake.calls).toHaveLength(3);
  });

  it.each([
    ['code 500 in an HTTP 200', failure(500), ServerError],
    ['HTTP 500', failure(500, { status: 500 }), ServerError],
    ['HTTP 503', failure(503, { status: 503 }), ServerError],
    ['an HTML 502', html(502), KlingResponseError],
    ['a reset after sending', connectionError('ECONNRESET'), KlingConnectionError],
    ['a fetch error without cause', new TypeError('fetch failed'), KlingConnectionError],
  ])('does not retry %s: CreateOutcomeUnknownError after one request', async (_title, step, CauseClass) => {
    const fake = scripted(step, ok({ taskId: TASK_ID }));
    const { hooks, events } = retryRecorder();
    const error = await rejection(client(fake, { maxRetries: 5, hooks }).createTask(CREATE));

    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect(error).toBeInstanceOf(KlingError);
    expect((error as Error).cause).toBeInstanceOf(CauseClass);
    expect(fake.calls).toHaveLength(1);
    expect(events).toHaveLength(0);
  });

  it.each(['aspect_ratio is required', 'text is required', 'input.image_url is required'])(
    'treats code 500 "%s" at createTask as a ValidationError that created no task',
    async (msg) => {
      const fake = scripted(failure(500, { msg }), ok({ taskId: TASK_ID }));
      const error = await rejection(client(fake, { maxRetries: 5 }).createTask(CREATE));

      expect(error).toBeInstanceOf(ValidationError);
      expect(error).not.toBeInstanceOf(CreateOutcomeUnknownError);
      expect(error).toMatchObject({ code: 500, status: 200, msg });
      expect(fake.calls).toHaveLength(1);
    },
  );

  it('keeps any other code 500 at createTask an unknown outcome', async () => {
    const fake = scripted(failure(500, { msg: 'Internal server error' }));
    const error = await rejection(client(fake, { maxRetries: 5 }).createTask(CREATE));
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
  });

  it('does not retry a timeout: CreateOutcomeUnknownError after one request', async () => {
    const fake = scripted(HANG, ok({ taskId: TASK_ID }));
    const error = await rejection(client(fake, { maxRetries: 5, timeoutMs: 30 }).createTask(CREATE));

    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect((error as Error).cause).toBeInstanceOf(KlingTimeoutError);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.request.signal.aborted).toBe(true);
  });

  it.each([
    [401, AuthenticationError],
    [402, InsufficientCreditsError],
    [422, ValidationError],
    [455, ServiceUnavailableError],
    [501, GenerationFailedError],
    [505, FeatureDisabledError],
  ])('throws code %i as is, without retrying', async (code, ErrorClass) => {
    const fake = scripted(failure(code), ok({ taskId: TASK_ID }));
    const error = await rejection(client(fake, { maxRetries: 5 }).createTask(CREATE));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).not.toBeInstanceOf(CreateOutcomeUnknownError);
    expect(fake.calls).toHaveLength(1);
  });
});

describe('timeouts', () => {
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
  });

  it('turns a GET with no answer into KlingTimeoutError after the retries', async () => {
    useFakeClock();
    const fake = scripted(HANG);
    const { hooks, events } = retryRecorder();
    const call = tracked(rejection(client(fake, { timeoutMs: 40, maxRetries: 1, hooks }).getTask(TASK_ID)));

    // Two attempts of 40 ms each. The backoff between them is 0 ms (Math.random is 0), but as a timer
    // it fires 1 ms later, as Node's setTimeout(0) does: 81 ms in all.
    await vi.advanceTimersByTimeAsync(80);
    expect(call.settled).toBe(false);
    expect(fake.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.settled).toBe(true);
    const error = await call.promise;

    expect(error).toBeInstanceOf(KlingTimeoutError);
    expect((error as Error).message).toContain('40 ms');
    expect((error as Error).message).toContain('GET /api/v1/jobs/recordInfo');
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls.every((call) => call.request.signal.aborted)).toBe(true);
    expect(events[0]?.error).toBeInstanceOf(KlingTimeoutError);
    expect(fake.calls.map((attempt) => attempt.at - (fake.calls[0]?.at ?? 0))).toEqual([0, 41]);
  });

  it('retries a timeout and takes the next answer', async () => {
    const fake = scripted(HANG, ok(record()));
    await expect(client(fake, { timeoutMs: 30 }).getTask(TASK_ID)).resolves.toMatchObject({
      taskId: TASK_ID,
    });
    expect(fake.calls).toHaveLength(2);
  });
});

describe('aborts', () => {
  it('aborts a request in flight with KlingAbortError, and the fetch sees the signal abort', async () => {
    useFakeClock();
    const fake = scripted(HANG);
    const controller = new AbortController();
    const pending = tracked(
      rejection(client(fake, { maxRetries: 3 }).getTask(TASK_ID, { signal: controller.signal })),
    );
    await vi.advanceTimersByTimeAsync(20);
    expect(fake.calls).toHaveLength(1); // in flight, and hanging
    expect(pending.settled).toBe(false);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0); // no time passes: the abort alone ends the call
    expect(pending.settled).toBe(true);
    const error = await pending.promise;

    expect(error).toBeInstanceOf(KlingAbortError);
    expect((error as Error).message).toContain('GET /api/v1/jobs/recordInfo');
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.request.signal.aborted).toBe(true);
  });

  it('does not send with an already aborted signal', async () => {
    const fake = scripted(HANG);
    const error = await rejection(client(fake).getTask(TASK_ID, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(KlingAbortError);
    expect(fake.calls.every((call) => call.request.signal.aborted)).toBe(true);
  });

  it('rethrows a KlingError abort reason as is', async () => {
    useFakeClock();
    const reason = new KlingError('shutting down');
    const controller = new AbortController();
    const fake = scripted(HANG);
    const pending = rejection(client(fake).getTask(TASK_ID, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(5);
    expect(fake.calls).toHaveLength(1); // in flight
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });

  it('aborts createTask in flight with KlingAbortError', async () => {
    useFakeClock();
    const fake = scripted(HANG);
    const controller = new AbortController();
    const pending = rejection(client(fake).createTask(CREATE, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    expect(fake.calls).toHaveLength(1); // in flight
    controller.abort();
    expect(await pending).toBeInstanceOf(KlingAbortError);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.request.signal.aborted).toBe(true);
  });

  it('stops waiting to retry when aborted during the backoff', async () => {
    useFakeClock();
    const fake = scripted(failure(429, { status: 429, headers: { 'retry-after': '30' } }), ok(record()));
    const controller = new AbortController();
    const { hooks } = retryRecorder();
    hooks.onRetry = () => {
      setTimeout(() => controller.abort(), 10);
    };
    const pending = tracked(
      rejection(client(fake, { hooks }).getTask(TASK_ID, { signal: controller.signal })),
    );
    await vi.advanceTimersByTimeAsync(9);
    expect(pending.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1); // the abort, 10 ms into the 30 s backoff
    expect(pending.settled).toBe(true);
    expect(await pending.promise).toBeInstanceOf(KlingAbortError);
    expect(fake.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000); // past the time the retry was due
    expect(fake.calls).toHaveLength(1);
  });
});
