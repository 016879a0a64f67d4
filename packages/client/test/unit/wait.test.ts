import type { TaskState } from '@kling-kit/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
  tracked,
  useFakeClock,
} from './fake-fetch';

const fast = { pollDelay: () => 10 };

afterEach(() => {
  vi.useRealTimers();
});

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
    useFakeClock();
    const fake = scripted(ok(recordIn('generating')), HANG);
    const wait = tracked(rejection(client(fake).waitForTask(TASK_ID, { ...fast, timeoutMs: 150 })));

    await vi.advanceTimersByTimeAsync(149);
    expect(wait.settled).toBe(false);
    expect(fake.calls).toHaveLength(2); // the second poll went out at 10 ms and hangs
    expect(fake.calls[1]?.request.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(wait.settled).toBe(true);

    const error = await wait.promise;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ taskId: TASK_ID, timeoutMs: 150, lastState: 'generating' });
    expect((error as Error).message).toContain(TASK_ID);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]?.request.signal.aborted).toBe(true);
  });

  it('rejects at the deadline when no poll ever answered', async () => {
    useFakeClock();
    const fake = scripted(HANG);
    const wait = tracked(rejection(client(fake).waitForTask(TASK_ID, { timeoutMs: 50 })));
    await vi.advanceTimersByTimeAsync(49);
    expect(wait.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(wait.settled).toBe(true);

    const error = await wait.promise;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).lastState).toBeUndefined();
    expect(fake.calls[0]?.request.signal.aborted).toBe(true);
  });

  it('does not accept a success that arrives after the deadline', async () => {
    useFakeClock();
    // This fetch ignores the abort and answers late (at 130 ms), as a proxy that buffers the response might.
    const fake = scripted(ok(recordIn('waiting')), async () => {
      await new Promise((resolve) => setTimeout(resolve, 120));
      return ok(recordIn('success'));
    });
    const wait = tracked(rejection(client(fake).waitForTask(TASK_ID, { ...fast, timeoutMs: 60 })));
    await vi.advanceTimersByTimeAsync(200); // past the deadline and the late answer
    expect(wait.settled).toBe(true);
    const error = await wait.promise;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ taskId: TASK_ID, lastState: 'waiting' });
  });

  // setTimeout cannot hold a delay above 2^31 - 1 ms (~24.8 days): Node would fire it after 1 ms.
  // The wait sets no deadline timer beyond that range, so Infinity means "no deadline".
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
    useFakeClock();
    const fake = scripted(
      failure(429, { status: 429, headers: { 'retry-after': '30' } }),
      ok(recordIn('success')),
    );
    const wait = tracked(rejection(client(fake, { maxRetries: 3 }).waitForTask(TASK_ID, { timeoutMs: 80 })));
    await vi.advanceTimersByTimeAsync(79);
    expect(wait.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1); // at 80 ms, not at the 30 s the server asked for
    expect(wait.settled).toBe(true);
    expect(await wait.promise).toBeInstanceOf(WaitTimeoutError);
    expect(fake.calls).toHaveLength(1);
  });

  it('rejects with KlingAbortError at once when the signal aborts a poll in flight', async () => {
    useFakeClock();
    const fake = scripted(ok(recordIn('queuing')), HANG);
    const controller = new AbortController();
    const hooks: ClientHooks = {
      onPoll: () => {
        setTimeout(() => controller.abort(), 30);
      },
    };
    const wait = tracked(
      rejection(client(fake, { hooks }).waitForTask(TASK_ID, { ...fast, signal: controller.signal })),
    );
    await vi.advanceTimersByTimeAsync(29);
    expect(wait.settled).toBe(false);
    expect(fake.calls).toHaveLength(2); // the second poll went out at 10 ms and hangs
    await vi.advanceTimersByTimeAsync(1); // the abort, at 30 ms: no more time passes before the rejection
    expect(wait.settled).toBe(true);
    expect(await wait.promise).toBeInstanceOf(KlingAbortError);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]?.request.signal.aborted).toBe(true);
  });

  it('rejects with KlingAbortError when the signal aborts between polls', async () => {
    useFakeClock();
    const fake = scripted(ok(recordIn('queuing')));
    const controller = new AbortController();
    const wait = tracked(
      rejection(client(fake).waitForTask(TASK_ID, { pollDelay: () => 60_000, signal: controller.signal })),
    );
    await vi.advanceTimersByTimeAsync(30);
    expect(fake.calls).toHaveLength(1); // answered; the next poll is due at 60 s
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(wait.settled).toBe(true);
    expect(await wait.promise).toBeInstanceOf(KlingAbortError);
    await vi.advanceTimersByTimeAsync(60_000); // past the time the next poll was due
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

  // The wait rides out what request()'s isTransient calls transient, which includes any 5xx the spec
  // does not list (a proxy's HTML 520/522/524), not only 500/502/503/504.
  it('rides out a proxy HTML 522 during the wait', async () => {
    const fake = scripted(ok(recordIn('waiting')), html(522), ok(recordIn('success')));
    await expect(client(fake, { maxRetries: 0 }).waitForTask(TASK_ID, fast)).resolves.toMatchObject({
      state: 'success',
    });
  });

  it('keeps riding out transient errors until the deadline', async () => {
    useFakeClock();
    const fake = scripted(failure(500, { status: 500 }));
    const wait = tracked(
      rejection(client(fake, { maxRetries: 0 }).waitForTask(TASK_ID, { ...fast, timeoutMs: 100 })),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(wait.settled).toBe(true);
    expect(await wait.promise).toBeInstanceOf(WaitTimeoutError);
    expect(fake.calls.length).toBeGreaterThan(2);
    // One poll every 10 ms (pollDelay) from 0 to 90 ms; the deadline at 100 ms ends the wait.
    expect(fake.calls.map((call) => call.at - (fake.calls[0]?.at ?? 0))).toEqual([
      0, 10, 20, 30, 40, 50, 60, 70, 80, 90,
    ]);
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
    useFakeClock();
    const fake = scripted(...states('waiting', 'generating', 'success'));
    const calls: [TaskState | undefined, number][] = [];
    const wait = client(fake).waitForTask(
      { taskId: TASK_ID, model: 'kling/v2-1-pro', createdAt: Date.now() - 60_000 },
      {
        pollDelay: (state, elapsedMs) => {
          calls.push([state, elapsedMs]);
          return 10;
        },
      },
    );
    await vi.advanceTimersByTimeAsync(20);
    await wait;
    // Polls at 0 and 10 ms of a task created 60 s before the wait began.
    expect(calls).toEqual([
      ['waiting', 60_000],
      ['generating', 60_010],
    ]);
  });

  it('takes the task age from createTime when given only a taskId', async () => {
    useFakeClock();
    const createTime = Date.now() - 45_000;
    const fake = scripted(ok(recordIn('waiting', { createTime })), ok(recordIn('success', { createTime })));
    const ages: number[] = [];
    const wait = client(fake).waitForTask(TASK_ID, {
      pollDelay: (_state, elapsedMs) => {
        ages.push(elapsedMs);
        return 10;
      },
    });
    await vi.advanceTimersByTimeAsync(10);
    await wait;
    expect(ages).toEqual([45_000]);
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
    useFakeClock();
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
    useFakeClock();
    const fake = scripted(...states('waiting', 'queuing', 'success'));
    for await (const task of client(fake).watchTask(TASK_ID, fast)) {
      expect(task.state).toBe('waiting');
      break;
    }
    // Had it kept polling, the next poll (due 10 ms after the first) would have gone out by now.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('throws WaitTimeoutError at the deadline after yielding what it saw', async () => {
    useFakeClock();
    const fake = scripted(ok(recordIn('generating')), HANG);
    const seen: TaskState[] = [];
    const watch = tracked(
      rejection(
        (async () => {
          for await (const task of client(fake).watchTask(TASK_ID, { ...fast, timeoutMs: 80 })) {
            seen.push(task.state);
          }
        })(),
      ),
    );
    await vi.advanceTimersByTimeAsync(79);
    expect(seen).toEqual(['generating']);
    expect(watch.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(watch.settled).toBe(true);
    expect(seen).toEqual(['generating']);
    expect(await watch.promise).toBeInstanceOf(WaitTimeoutError);
  });
});

describe('many concurrent waits share the poll budget', () => {
  it('never sends more than maxPollsPerSecond recordInfo requests in any second', async () => {
    useFakeClock();
    const fake = fakeFetch((request) =>
      ok(recordIn('success', { taskId: new URL(request.url).searchParams.get('taskId') ?? '' })),
    );
    const kling = client(fake, { maxPollsPerSecond: 10 });
    const ids = Array.from({ length: 50 }, (_, index) => `task-${index}`);
    const all = tracked(
      Promise.allSettled(ids.map((id) => kling.waitForTask(id, { ...fast, timeoutMs: 1_750 }))),
    );
    await vi.advanceTimersByTimeAsync(1_750);
    expect(all.settled).toBe(true);
    const results = await all.promise;

    const times = fake.callsTo('/api/v1/jobs/recordInfo').map((call) => call.at - (fake.calls[0]?.at ?? 0));
    for (const start of times) {
      const inWindow = times.filter((time) => time >= start && time < start + 1_000).length;
      expect(inWindow).toBeLessThanOrEqual(10);
    }
    // Slots are spaced evenly, 100 ms apart from t = 0: 18 by 1.7 s, then the 1.75 s deadline ends the
    // 32 waits still queued, unserved.
    expect(times).toEqual(Array.from({ length: 18 }, (_, index) => index * 100));
    expect(times.length).toBeGreaterThan(10);
    expect(times.length).toBeLessThanOrEqual(20);
    expect((times[10] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1_000);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(fulfilled).toHaveLength(times.length);
    for (const result of rejected) {
      expect(result.reason).toBeInstanceOf(WaitTimeoutError);
    }
    const served = new Set(fake.calls.map((call) => call.url.searchParams.get('taskId')));
    expect(served.size).toBe(times.length); // one poll per task: each got its own answer

    // Nothing polls after the waits ended: no timer is left, and a later second brings no request.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.calls).toHaveLength(times.length);
  });
});
