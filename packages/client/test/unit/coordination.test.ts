/**
 * The coordination interface seen from the client: every createTask attempt, every poll of a wait
 * and every direct query asks the coordinator's budget first; a wait on a task with a callback URL
 * resolves from the completion feed without polling, polls only as a slow fallback, and goes back
 * to the normal schedule when the feed is lost; the callback handler publishes what it handled.
 */
import type { TaskRecord } from '@kling-kit/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Coordinator, KlingAbortError, type RateLimitedOperation } from '../../src/index';
import { createCallbackHandler, signCallback } from '../../src/webhooks';
import { client, failure, fakeFetch, ok, recordIn, rejection, scripted, TASK_ID } from './fake-fetch';

const CALLBACK_URL = 'https://app.example.com/kie-callback';
const handle = (callBackUrl?: string) => ({
  taskId: TASK_ID,
  model: 'kling/v2-1-pro',
  createdAt: Date.now(),
  ...(callBackUrl ? { callBackUrl } : {}),
});
const input = { prompt: 'A cat surfing', image_url: 'https://file.example.com/a.png' };

/** A coordinator that records what it is asked and lets the test drive the feed. */
function recorder(options: { hold?: RateLimitedOperation } = {}) {
  const asked: { operation: RateLimitedOperation; at: number }[] = [];
  const listeners = new Map<string, (record: TaskRecord | null) => void>();
  const released: (() => void)[] = [];
  const coordinator = {
    acquire: vi.fn((operation: RateLimitedOperation, signal?: AbortSignal) => {
      asked.push({ operation, at: Date.now() });
      if (operation !== options.hold) {
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        released.push(resolve);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }),
    watch: vi.fn((taskId: string, listener: (record: TaskRecord | null) => void) => {
      listeners.set(taskId, listener);
      return () => listeners.delete(taskId);
    }),
    publish: vi.fn(async (_record: TaskRecord) => {}),
  } satisfies Coordinator;
  return { coordinator, asked, listeners, released };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the rate budget', () => {
  it('is asked before every createTask attempt, a 429 retry included, and before direct queries', async () => {
    const { coordinator, asked } = recorder();
    const fake = fakeFetch((request, index) =>
      request.method === 'POST'
        ? index === 0
          ? failure(429, { status: 429, headers: { 'Retry-After': '0' } })
          : ok({ taskId: TASK_ID })
        : ok(recordIn('generating')),
    );
    const kling = client(fake, { coordinator });
    await kling.createTask({ input });
    await kling.getTask(TASK_ID);
    expect(asked.map((entry) => entry.operation)).toEqual(['createTask', 'createTask', 'getTaskRecord']);
    expect(fake.calls).toHaveLength(3);
  });

  it('holds a create until the budget answers, and an abort while holding sends nothing', async () => {
    const { coordinator, released } = recorder({ hold: 'createTask' });
    const fake = scripted(ok({ taskId: TASK_ID }));
    const kling = client(fake, { coordinator });
    const first = kling.createTask({ input });
    await vi.waitFor(() => expect(released).toHaveLength(1));
    expect(fake.calls).toHaveLength(0);
    released[0]?.();
    await expect(first).resolves.toMatchObject({ taskId: TASK_ID });

    const controller = new AbortController();
    const second = kling.createTask({ input }, { signal: controller.signal });
    await vi.waitFor(() => expect(released).toHaveLength(2));
    controller.abort();
    expect(await rejection(second)).toBeInstanceOf(KlingAbortError);
    expect(fake.calls).toHaveLength(1);
  });

  it('calls what acquire resolved to once each attempt was answered, a failed one included', async () => {
    const events: string[] = [];
    let attempt = 0;
    const coordinator: Coordinator = {
      acquire: async (operation) => {
        const mine = ++attempt;
        events.push(`acquire ${operation} ${mine}`);
        return () => events.push(`answered ${mine}`);
      },
    };
    const fake = fakeFetch((_request, index) => {
      events.push(`sent ${index + 1}`);
      return index === 0
        ? failure(429, { status: 429, headers: { 'Retry-After': '0' } })
        : ok({ taskId: TASK_ID });
    });
    await client(fake, { coordinator }).createTask({ input });
    expect(events).toEqual([
      'acquire createTask 1',
      'sent 1',
      'answered 1',
      'acquire createTask 2',
      'sent 2',
      'answered 2',
    ]);
  });

  it('keeps the answer when what acquire resolved to throws, or is not a function', async () => {
    for (const answered of [
      () => {
        throw new Error('a coordinator that fails');
      },
      'not a function',
    ]) {
      const coordinator = { acquire: async () => answered } as unknown as Coordinator;
      const kling = client(scripted(ok({ taskId: TASK_ID })), { coordinator });
      await expect(kling.createTask({ input })).resolves.toMatchObject({ taskId: TASK_ID });
    }
  });

  it("asks once per poll of a wait, one question at a time, in the scheduler's order", async () => {
    const { coordinator, asked } = recorder();
    const fake = scripted(ok(recordIn('queuing')), ok(recordIn('generating')), ok(recordIn('success')));
    const task = await client(fake, { coordinator }).waitForTask(TASK_ID, { pollDelay: () => 5 });
    expect(task.state).toBe('success');
    expect(asked.map((entry) => entry.operation)).toEqual([
      'getTaskRecord',
      'getTaskRecord',
      'getTaskRecord',
    ]);
    expect(fake.calls).toHaveLength(3);
  });

  it('keeps polling at its own pace when the budget fails instead of answering', async () => {
    const coordinator: Coordinator = { acquire: () => Promise.reject(new Error('store down')) };
    const fake = scripted(
      ok(recordIn('generating')),
      ok(recordIn('generating')),
      ok(recordIn('generating')),
      ok(recordIn('generating')),
      ok(recordIn('success')),
    );
    const task = await client(fake, { coordinator, maxPollsPerSecond: 20 }).waitForTask(TASK_ID, {
      pollDelay: () => 1,
    });
    expect(task.state).toBe('success');
    // 20 per second: the 5 polls span at least 4 × 50 ms (unpaced, about 5 ms). The span is taken
    // over all of them: a loaded runner may send one poll a little after its slot, not all of them.
    const span = (fake.calls.at(-1)?.at ?? 0) - (fake.calls[0]?.at ?? 0);
    expect(fake.calls).toHaveLength(5);
    expect(span).toBeGreaterThanOrEqual(4 * 50 - 25);
  });
});

describe('the completion feed', () => {
  it('resolves a wait on a task with a callback URL from the feed, without a poll', async () => {
    const { coordinator, listeners } = recorder();
    const fake = scripted(ok(recordIn('generating')));
    const wait = client(fake, { coordinator }).waitForTask(handle(CALLBACK_URL));
    await vi.waitFor(() => expect(listeners.has(TASK_ID)).toBe(true));
    listeners.get(TASK_ID)?.(recordIn('success'));
    const task = await wait;
    expect(task).toMatchObject({ taskId: TASK_ID, state: 'success' });
    expect(task.resultUrls).toHaveLength(1);
    expect(fake.calls).toHaveLength(0);
    expect(listeners.has(TASK_ID)).toBe(false); // stopped listening
  });

  it('rejects with TaskFailedError for a failed record from the feed', async () => {
    const { coordinator, listeners } = recorder();
    const wait = client(scripted(ok(recordIn('generating'))), { coordinator }).waitForTask(
      handle(CALLBACK_URL),
    );
    await vi.waitFor(() => expect(listeners.has(TASK_ID)).toBe(true));
    listeners.get(TASK_ID)?.(recordIn('fail'));
    await expect(wait).rejects.toMatchObject({ name: 'TaskFailedError' });
  });

  it('polls a fed wait at most once a minute, and on the normal schedule once the feed is lost', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { coordinator, listeners } = recorder();
    const fake = scripted(ok(recordIn('generating')), ok(recordIn('generating')), ok(recordIn('success')));
    const wait = client(fake, { coordinator }).waitForTask(handle(CALLBACK_URL), { timeoutMs: 600_000 });
    const settled = vi.fn();
    wait.then(settled, settled);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(fake.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fake.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fake.calls).toHaveLength(1);
    listeners.get(TASK_ID)?.(null); // the feed is lost: poll now, then on the normal schedule
    await vi.advanceTimersByTimeAsync(10);
    expect(fake.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(fake.calls).toHaveLength(3);
    expect(settled).toHaveBeenCalledWith(expect.objectContaining({ state: 'success' }));
  });

  it('does not listen for a task id alone or a handle without a callback URL', async () => {
    const { coordinator } = recorder();
    const fake = scripted(ok(recordIn('success')));
    await client(fake, { coordinator }).waitForTask(TASK_ID);
    await client(fake, { coordinator }).waitForTask(handle());
    expect(coordinator.watch).not.toHaveBeenCalled();
    expect(fake.calls).toHaveLength(2);
  });

  it('aborts a fed wait at once and stops listening', async () => {
    const { coordinator, listeners } = recorder();
    const controller = new AbortController();
    const wait = client(scripted(ok(recordIn('generating'))), { coordinator }).waitForTask(
      handle(CALLBACK_URL),
      { signal: controller.signal },
    );
    await vi.waitFor(() => expect(listeners.has(TASK_ID)).toBe(true));
    controller.abort();
    expect(await rejection(wait)).toBeInstanceOf(KlingAbortError);
    expect(listeners.has(TASK_ID)).toBe(false);
  });
});

describe('the callback handler with a coordinator', () => {
  const SECRET = 'whk_coordination';
  const deliver = async (handler: (request: Request) => Promise<Response>) => {
    const body = JSON.stringify({ code: 200, msg: 'ok', data: recordIn('success') });
    const headers = await signCallback(TASK_ID, SECRET);
    const response = await handler(
      new Request(CALLBACK_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body,
      }),
    );
    return { status: response.status, body: await response.json() };
  };

  it('publishes the record it handled, after your function resolved', async () => {
    const order: string[] = [];
    const coordinator = {
      publish: vi.fn(async (record: TaskRecord) => {
        order.push(`publish ${record.taskId} ${record.state}`);
      }),
    };
    const handler = createCallbackHandler({
      secret: SECRET,
      coordinator,
      onCallback: async () => {
        order.push('onCallback');
      },
    });
    expect(await deliver(handler)).toEqual({ status: 200, body: { received: true } });
    expect(order).toEqual(['onCallback', `publish ${TASK_ID} success`]);
    // A redelivery of a handled callback is not published again.
    expect((await deliver(handler)).body).toEqual({ received: true, duplicate: true });
    expect(coordinator.publish).toHaveBeenCalledTimes(1);
  });

  it('answers 200 when publishing fails, and reports it as publish-failed', async () => {
    const onError = vi.fn();
    const handler = createCallbackHandler({
      secret: SECRET,
      coordinator: { publish: () => Promise.reject(new Error('redis down')) },
      onCallback: () => {},
      onError,
    });
    expect((await deliver(handler)).status).toBe(200);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), {
      status: 200,
      code: 'publish-failed',
      taskId: TASK_ID,
    });
  });

  it('does not publish a callback your function failed on', async () => {
    const publish = vi.fn();
    const handler = createCallbackHandler({
      secret: SECRET,
      coordinator: { publish },
      onCallback: () => {
        throw new Error('db down');
      },
      onError: () => {},
    });
    expect((await deliver(handler)).status).toBe(500);
    expect(publish).not.toHaveBeenCalled();
  });

  it('refuses a coordinator without publish when the handler is made', () => {
    expect(() =>
      createCallbackHandler({ secret: SECRET, onCallback: () => {}, coordinator: {} as never }),
    ).toThrow(/coordinator must be an object with publish/);
  });
});
