import type { TaskState } from '@kling-kit/contract';
import { describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  type ClientHooks,
  GenerationFailedError,
  KlingAbortError,
  KlingApiError,
  KlingResponseError,
  type Task,
  TaskFailedError,
  ValidationError,
  WaitTimeoutError,
} from '../../src/index';
import {
  client,
  connectionError,
  failure,
  fakeFetch,
  HANG,
  html,
  json,
  ok,
  recordIn,
  rejection,
  type Step,
  scripted,
  TASK_ID,
} from './fake-fetch';

const fast = { pollDelay: () => 10 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One recordInfo answer per state, in order (the last repeats). */
const states = (...list: TaskState[]): Step[] => list.map((state) => ok(recordIn(state)));

describe('waitForTask', () => {
  it('resolves with the successful task, reporting each state once', async () => {
    const fake = scripted(...states('waiting', 'waiting', 'queuing', 'generating', 'generating', 'success'));
    const progress: TaskState[] = [];
    const polls: number[] = [];
    const changes: TaskState[] = [];
    const hooks: ClientHooks = {
      onPoll: (event) => {
        polls.push(event.polls);
        expect(event.taskId).toBe(TASK_ID);
      },
      onStateChange: (event) => {
        changes.push(event.task.state);
      },
    };
    const task = await client(fake, { hooks }).waitForTask(TASK_ID, {
      ...fast,
      onProgress: (current) => progress.push(current.state),
    });

    expect(task).toMatchObject({ taskId: TASK_ID, state: 'success' });
    expect(task.resultUrls).toEqual(['https://tempfile.example.com/video.mp4']);
    expect(progress).toEqual(['waiting', 'queuing', 'generating', 'success']);
    expect(changes).toEqual(progress);
    expect(polls).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fake.calls).toHaveLength(6);
    expect(fake.calls.every((call) => call.url.searchParams.get('taskId') === TASK_ID)).toBe(true);
  });

  it('resolves at once for a task that already succeeded', async () => {
    const fake = scripted(...states('success'));
    await expect(client(fake).waitForTask(TASK_ID)).resolves.toMatchObject({ state: 'success' });
    expect(fake.calls).toHaveLength(1);
  });

  it.each([
    ['a string', '500', '500'],
    ['an integer', 501, '501'],
    ['null', null, null],
  ])('rejects a failed task with TaskFailedError (failCode %s)', async (_title, failCode, expected) => {
    const fake = scripted(
      ok(recordIn('generating')),
      ok(recordIn('fail', { failCode, failMsg: 'Bad image' })),
    );
    const error = await rejection(client(fake).waitForTask(TASK_ID, fast));

    expect(error).toBeInstanceOf(TaskFailedError);
    const failed = error as TaskFailedError;
    expect(failed).toMatchObject({ taskId: TASK_ID, failCode: expected, failMsg: 'Bad image' });
    expect(failed.task).toMatchObject({ taskId: TASK_ID, state: 'fail', failCode: expected });
    expect(failed.message).toContain(TASK_ID);
    expect(failed.message).toContain('Bad image');
  });

  it('rejects at the deadline with WaitTimeoutError and aborts the request in flight', async () => {
    const fake = scripted(ok(recordIn('generating')), HANG);
    const started = Date.now();
    const error = await rejection(client(fake).waitForTask(TASK_ID, { ...fast, timeoutMs: 150 }));

    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ taskId: TASK_ID, timeoutMs: 150, lastState: 'generating' });
    expect((error as Error).message).toContain(TASK_ID);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]?.request.signal.aborted).toBe(true);
  });

  it('rejects at the deadline when no poll ever answered', async () => {
    const fake = scripted(HANG);
    const error = await rejection(client(fake).waitForTask(TASK_ID, { timeoutMs: 50 }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).lastState).toBeUndefined();
    expect(fake.calls[0]?.request.signal.aborted).toBe(true);
  });

  it('does not accept a success that arrives after the deadline', async () => {
    // This fetch ignores the abort and answers late, as a proxy that buffers the response might.
    const fake = scripted(ok(recordIn('waiting')), async () => {
      await sleep(120);
      return ok(recordIn('success'));
    });
    const error = await rejection(client(fake).waitForTask(TASK_ID, { ...fast, timeoutMs: 60 }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ taskId: TASK_ID, lastState: 'waiting' });
  });

  // BUG: the deadline is a plain setTimeout, so a timeoutMs above 2^31 - 1 ms (~24.8 days), or
  // Infinity for "no deadline", overflows: Node fires it after 1 ms (TimeoutOverflowWarning) and the
  // wait rejects at once with "WaitTimeoutError: … after Infinity ms".
  it.each([Number.POSITIVE_INFINITY, 3_000_000_000])(
    'accepts a very long deadline (%d ms)',
    async (timeoutMs) => {
      const fake = scripted(...states('waiting', 'generating', 'success'));
      await expect(client(fake).waitForTask(TASK_ID, { ...fast, timeoutMs })).resolves.toMatchObject({
        state: 'success',
      });
    },
  );

  it('cuts a retry backoff short at the deadline', async () => {
    const fake = scripted(
      failure(429, { status: 429, headers: { 'retry-after': '30' } }),
      ok(recordIn('success')),
    );
    const started = Date.now();
    const error = await rejection(client(fake, { maxRetries: 3 }).waitForTask(TASK_ID, { timeoutMs: 80 }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.calls).toHaveLength(1);
  });

  it('rejects with KlingAbortError quickly when the signal aborts a poll in flight', async () => {
    const fake = scripted(ok(recordIn('queuing')), HANG);
    const controller = new AbortController();
    const hooks: ClientHooks = {
      onPoll: () => {
        setTimeout(() => controller.abort(), 30);
      },
    };
    const started = Date.now();
    const error = await rejection(
      client(fake, { hooks }).waitForTask(TASK_ID, { ...fast, signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(KlingAbortError);
    expect(Date.now() - started).toBeLessThan(500);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]?.request.signal.aborted).toBe(true);
  });

  it('rejects with KlingAbortError when the signal aborts between polls', async () => {
    const fake = scripted(ok(recordIn('queuing')));
    const controller = new AbortController();
    const pending = rejection(
      client(fake).waitForTask(TASK_ID, { pollDelay: () => 60_000, signal: controller.signal }),
    );
    await sleep(30);
    controller.abort();
    expect(await pending).toBeInstanceOf(KlingAbortError);
    expect(fake.calls).toHaveLength(1);
  });

  it('rejects with KlingAbortError and sends nothing when the signal is already aborted', async () => {
    const fake = scripted(ok(recordIn('success')));
    const error = await rejection(client(fake).waitForTask(TASK_ID, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(KlingAbortError);
    expect(fake.calls).toHaveLength(0);
  });

  it.each([
    ['maxRetries: 0 (the wait loop rides them out)', 0],
    ['the default retries', 2],
  ])('rides out transient errors with %s', async (_title, maxRetries) => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const fake = scripted(
      ok(recordIn('waiting')),
      failure(429, { status: 429 }),
      failure(429),
      failure(500, { status: 500 }),
      failure(500),
      failure(455),
      html(502),
      connectionError('ECONNRESET'),
      HANG,
      ok(recordIn('generating')),
      ok(recordIn('success')),
    );
    const progress: TaskState[] = [];
    const task = await client(fake, { maxRetries, timeoutMs: 30, maxPollsPerSecond: 100 }).waitForTask(
      TASK_ID,
      {
        ...fast,
        onProgress: (current) => progress.push(current.state),
      },
    );
    expect(task.state).toBe('success');
    expect(progress).toEqual(['waiting', 'generating', 'success']);
    expect(fake.calls).toHaveLength(11);
  });

  // BUG: wait.ts promises to ride out "5xx", and did for any non-envelope answer ≥ 500, but now uses
  // request()'s isTransient (500/502/503/504 only): a proxy's HTML 522 rejects the whole wait.
  it('rides out a proxy HTML 522 during the wait', async () => {
    const fake = scripted(ok(recordIn('waiting')), html(522), ok(recordIn('success')));
    await expect(client(fake, { maxRetries: 0 }).waitForTask(TASK_ID, fast)).resolves.toMatchObject({
      state: 'success',
    });
  });

  it('keeps riding out transient errors until the deadline', async () => {
    const fake = scripted(failure(500, { status: 500 }));
    const error = await rejection(
      client(fake, { maxRetries: 0 }).waitForTask(TASK_ID, { ...fast, timeoutMs: 100 }),
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(fake.calls.length).toBeGreaterThan(2);
  });

  it.each([
    ['a 401', failure(401), AuthenticationError],
    ['an HTTP 401', failure(401, { status: 401 }), AuthenticationError],
    ['a 422 (unknown task)', failure(422, { msg: 'recordInfo is null' }), ValidationError],
    ['a 501', failure(501), GenerationFailedError],
    ['a 200 that is not the envelope', json({ hello: 'world' }), KlingResponseError],
  ])('rejects on %s during the wait', async (_title, step, ErrorClass) => {
    const fake = scripted(ok(recordIn('waiting')), step, ok(recordIn('success')));
    const error = await rejection(client(fake, { maxRetries: 0 }).waitForTask(TASK_ID, fast));
    expect(error).toBeInstanceOf(ErrorClass);
    if (error instanceof KlingApiError) {
      expect(error.taskId).toBe(TASK_ID);
    }
    expect(fake.calls).toHaveLength(2);
  });

  it('passes the state and the task age to pollDelay', async () => {
    const fake = scripted(...states('waiting', 'generating', 'success'));
    const calls: [TaskState | undefined, number][] = [];
    await client(fake).waitForTask(
      { taskId: TASK_ID, model: 'kling/v2-1-pro', createdAt: Date.now() - 60_000 },
      {
        pollDelay: (state, elapsedMs) => {
          calls.push([state, elapsedMs]);
          return 10;
        },
      },
    );
    expect(calls.map(([state]) => state)).toEqual(['waiting', 'generating']);
    for (const [, elapsedMs] of calls) {
      expect(elapsedMs).toBeGreaterThanOrEqual(60_000);
      expect(elapsedMs).toBeLessThan(62_000);
    }
  });

  it('takes the task age from createTime when given only a taskId', async () => {
    const createTime = Date.now() - 45_000;
    const fake = scripted(ok(recordIn('waiting', { createTime })), ok(recordIn('success', { createTime })));
    const ages: number[] = [];
    await client(fake).waitForTask(TASK_ID, {
      pollDelay: (_state, elapsedMs) => {
        ages.push(elapsedMs);
        return 10;
      },
    });
    expect(ages).toHaveLength(1);
    expect(ages[0]).toBeGreaterThanOrEqual(45_000);
    expect(ages[0]).toBeLessThan(47_000);
  });

  it('asks pollDelay with no state after a transient error before the first answer', async () => {
    const fake = scripted(failure(500), ok(recordIn('success')));
    const seen: (TaskState | undefined)[] = [];
    await client(fake, { maxRetries: 0 }).waitForTask(TASK_ID, {
      pollDelay: (state) => {
        seen.push(state);
        return 10;
      },
    });
    expect(seen).toEqual([undefined]);
  });

  it('uses the default schedule: the second poll comes 2.1–2.5 s after the first', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const fake = scripted(...states('waiting', 'success'));
      const done = client(fake).waitForTask(TASK_ID);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(fake.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(600);
      await expect(done).resolves.toMatchObject({ state: 'success' });
      const [first, second] = fake.calls;
      const gap = (second?.at ?? 0) - (first?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual(2_100);
      expect(gap).toBeLessThanOrEqual(2_500);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('watchTask', () => {
  it('yields each distinct state in order, then ends', async () => {
    const fake = scripted(...states('waiting', 'queuing', 'queuing', 'generating', 'generating', 'success'));
    const seen: Task[] = [];
    for await (const task of client(fake).watchTask(TASK_ID, fast)) {
      seen.push(task);
    }
    expect(seen.map((task) => task.state)).toEqual(['waiting', 'queuing', 'generating', 'success']);
    expect(fake.calls).toHaveLength(6);
  });

  it('ends with a failed task without throwing', async () => {
    const fake = scripted(...states('generating'), ok(recordIn('fail')));
    const seen: TaskState[] = [];
    for await (const task of client(fake).watchTask(TASK_ID, fast)) {
      seen.push(task.state);
    }
    expect(seen).toEqual(['generating', 'fail']);
  });

  it('stops polling when the consumer breaks out', async () => {
    const fake = scripted(...states('waiting', 'queuing', 'success'));
    for await (const task of client(fake).watchTask(TASK_ID, fast)) {
      expect(task.state).toBe('waiting');
      break;
    }
    await sleep(50);
    expect(fake.calls).toHaveLength(1);
  });

  it('throws WaitTimeoutError at the deadline after yielding what it saw', async () => {
    const fake = scripted(ok(recordIn('generating')), HANG);
    const seen: TaskState[] = [];
    const error = await rejection(
      (async () => {
        for await (const task of client(fake).watchTask(TASK_ID, { ...fast, timeoutMs: 80 })) {
          seen.push(task.state);
        }
      })(),
    );
    expect(seen).toEqual(['generating']);
    expect(error).toBeInstanceOf(WaitTimeoutError);
  });
});

describe('many concurrent waits share the poll budget', () => {
  it('never sends more than maxPollsPerSecond recordInfo requests in any second', async () => {
    const fake = fakeFetch((request) =>
      ok(recordIn('success', { taskId: new URL(request.url).searchParams.get('taskId') ?? '' })),
    );
    const kling = client(fake, { maxPollsPerSecond: 10 });
    const ids = Array.from({ length: 50 }, (_, index) => `task-${index}`);
    const results = await Promise.allSettled(
      ids.map((id) => kling.waitForTask(id, { ...fast, timeoutMs: 1_700 })),
    );

    const times = fake.callsTo('/api/v1/jobs/recordInfo').map((call) => call.at);
    // Slots are granted 1 s apart; the fetch records a few ms after the grant, so allow 50 ms of slack.
    for (const start of times) {
      const inWindow = times.filter((time) => time >= start && time < start + 950).length;
      expect(inWindow).toBeLessThanOrEqual(10);
    }
    // t = 0 and 1 s: two rounds of ten before the 1.7 s deadline; the other 30 time out unserved.
    expect(times.length).toBeGreaterThan(10);
    expect(times.length).toBeLessThanOrEqual(20);
    expect((times[10] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(950);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(fulfilled).toHaveLength(times.length);
    for (const result of rejected) {
      expect(result.reason).toBeInstanceOf(WaitTimeoutError);
    }
    const served = new Set(fake.calls.map((call) => call.url.searchParams.get('taskId')));
    expect(served.size).toBe(times.length); // one poll per task: each got its own answer

    await sleep(50);
    expect(fake.calls).toHaveLength(times.length); // nothing polls after the waits ended
  });
});
