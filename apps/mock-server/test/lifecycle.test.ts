import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a task’s life (fast timing)', () => {
  let mock: RunningMockServer;
  let kie: MockCaller;
  beforeAll(async () => {
    // Polling every 40 ms would exceed kie.ai's 10 queries/s (see 'kie.ai rate limits' in accounts.test.ts).
    mock = await startTestMock({ rateLimit: false });
    kie = new MockCaller(mock);
  });
  afterAll(() => mock.close());

  it('runs the seed example from creation to a playable result within 3 s', async () => {
    const created = await kie.createTask(SEED_REQUEST);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      code: 200,
      msg: 'success',
      data: { taskId: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });
    const taskId = (created.body.data as { taskId: string }).taskId;

    const seen: string[] = [];
    const started = Date.now();
    let record: Record<string, unknown> = {};
    // Real HTTP on the wall clock: this bound only stops the loop if the task never ends (a failure
    // below); the 3 s is asserted exactly on the mock's own clock.
    while (Date.now() - started < 15_000) {
      record = (await kie.record(taskId)).body.data as Record<string, unknown>;
      if (seen.at(-1) !== record.state) {
        seen.push(record.state as string);
      }
      if (record.state === 'success' || record.state === 'fail') {
        break;
      }
      await sleep(40);
    }
    // The whole life is planned within 3 s, and the record says it took no longer: both are mock-clock
    // times, which a loaded machine cannot stretch (the wall-clock loop above has room to spare).
    const plan = mock.admin.task(taskId).schedule;
    expect(plan.endAt - plan.createTime).toBeLessThanOrEqual(3_000);
    expect(Number(record.completeTime) - Number(record.createTime)).toBeLessThanOrEqual(3_000);
    // Polls 40 ms apart see every state on a quiet machine; under load one may slip by, so check the
    // order (each state at most once, in lifecycle order) and the end. Explicit timings below see each.
    const order = ['waiting', 'queuing', 'generating', 'success'];
    expect(seen.map((state) => order.indexOf(state))).toEqual(
      [...seen.map((state) => order.indexOf(state))].sort(),
    );
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.at(-1)).toBe('success');
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(record.param as string)).toEqual(SEED_REQUEST);
    const resultUrls = JSON.parse(record.resultJson as string).resultUrls as string[];
    expect(resultUrls).toEqual([`${mock.url}/files/results/${taskId}.mp4`]);
    expect(record).toMatchObject({ taskId, model: 'kling/v2-1-pro', failCode: '', failMsg: '' });
    const { createTime, completeTime, updateTime, costTime } = record as Record<
      'createTime' | 'completeTime' | 'updateTime' | 'costTime',
      number
    >;
    expect(createTime).toBeGreaterThan(1_700_000_000_000);
    expect(completeTime).toBe(updateTime);
    expect(completeTime).toBeGreaterThan(createTime);
    expect(costTime).toBeGreaterThan(0);
    expect(costTime).toBeLessThanOrEqual(completeTime - createTime);

    const video = await fetch(resultUrls[0] as string);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    const bytes = new Uint8Array(await video.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('ftyp');
  });

  it('reports pending records with nulls, as kie.ai does', async () => {
    // Fast timing waits 100–200 ms only: a loaded machine could see the task move on first.
    mock.admin.configure({ timing: { waitingMs: 60_000, queuingMs: 1_000, generatingMs: 1_000 } });
    try {
      const taskId = await kie.newTask();
      const record = (await kie.record(taskId)).body.data as Record<string, unknown>;
      expect(record).toMatchObject({
        state: 'waiting',
        resultJson: '',
        failCode: null,
        failMsg: null,
        costTime: null,
        completeTime: null,
      });
      expect(record.updateTime).toBe(record.createTime);
    } finally {
      mock.admin.configure({ timing: 'fast' });
    }
  });

  it('records the request as sent, without filling defaults in', async () => {
    const minimal = {
      model: 'kling/v2-1-pro',
      input: { prompt: 'A kite', image_url: 'https://example.com/k.png' },
    };
    const taskId = await kie.newTask(minimal);
    expect((await kie.record(taskId)).body.data?.param).toBe(JSON.stringify(minimal));
  });

  it('hides a task from other accounts', async () => {
    const taskId = await kie.newTask();
    const stranger = new MockCaller(mock, 'another-key');
    expect((await stranger.record(taskId)).body).toEqual({
      code: 422,
      msg: 'recordInfo is null',
      data: null,
    });
  });

  it('answers 400 without a taskId and 422 for an unknown one', async () => {
    expect((await kie.call('GET', '/api/v1/jobs/recordInfo')).body).toEqual({
      code: 400,
      msg: 'taskId parameter is required',
      data: null,
    });
    expect((await kie.record('0'.repeat(32))).body).toEqual({
      code: 422,
      msg: 'recordInfo is null',
      data: null,
    });
  });
});

describe('a task’s life on the mock clock', () => {
  it('advances minutes of realistic timing at once, longer for 10 s videos', async () => {
    const mock = await startTestMock({ timing: 'realistic' });
    try {
      const kie = new MockCaller(mock);
      const short = await kie.newTask();
      const long = await kie.newTask({ ...SEED_REQUEST, input: { ...SEED_REQUEST.input, duration: '10' } });
      const plan = (taskId: string) => mock.admin.task(taskId).schedule;
      expect(plan(short).endAt - plan(short).createTime).toBeGreaterThan(30_000);
      expect(plan(long).generatingAt).toBeGreaterThan(plan(long).createTime);
      mock.admin.advanceClock(plan(short).queuingAt - plan(short).createTime);
      expect((await kie.record(short)).body.data?.state).toBe('queuing');
      mock.admin.advanceClock(15 * 60_000);
      expect((await kie.record(short)).body.data?.state).toBe('success');
      expect((await kie.record(long)).body.data?.state).toBe('success');
    } finally {
      await mock.close();
    }
  });

  it('follows explicit per-state durations', async () => {
    const mock = await startTestMock({
      timing: { waitingMs: 10_000, queuingMs: 20_000, generatingMs: 30_000 },
    });
    try {
      const kie = new MockCaller(mock);
      const taskId = await kie.newTask();
      const states: unknown[] = [];
      // Each step lands mid-state, so the few real milliseconds a request takes cannot matter.
      for (const step of [0, 5_000, 10_000, 10_000, 10_000, 20_000, 20_000]) {
        mock.admin.advanceClock(step);
        states.push((await kie.record(taskId)).body.data?.state);
      }
      expect(states).toEqual([
        'waiting',
        'waiting',
        'queuing',
        'queuing',
        'generating',
        'generating',
        'success',
      ]);
      expect(mock.admin.task(taskId).record.costTime).toBe(30_000);
    } finally {
      await mock.close();
    }
  });

  it('replays ids, timings and failures under the same seed', async () => {
    const run = async () => {
      const mock = await startTestMock({ seed: 'replay', timing: 'realistic', failRate: 0.5 });
      try {
        const kie = new MockCaller(mock);
        const ids = [await kie.newTask(), await kie.newTask(), await kie.newTask(), await kie.newTask()];
        return ids.map((taskId) => {
          const view = mock.admin.task(taskId);
          return { taskId, outcome: view.outcome, span: view.schedule.endAt - view.schedule.createTime };
        });
      } finally {
        await mock.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first.map((task) => task.taskId)).size).toBe(4);
  });

  it('fails tasks at --fail-rate with a failCode and failMsg, and charges nothing for them', async () => {
    const mock = await startTestMock({ failRate: 1, credits: 500 });
    try {
      const kie = new MockCaller(mock);
      const taskId = await kie.newTask();
      mock.admin.advanceClock(10_000);
      const record = (await kie.record(taskId)).body.data as Record<string, unknown>;
      expect(record.state).toBe('fail');
      expect(record.failCode === null || record.failCode === '').toBe(false);
      expect(String(record.failMsg).length).toBeGreaterThan(5);
      expect(record.resultJson).toBe('');
      expect((await kie.credits()).body.data).toBe(500);
      expect((await fetch(`${mock.url}/files/results/${taskId}.mp4`)).status).toBe(404);
    } finally {
      await mock.close();
    }
  });

  it('forgets tasks after their TTL', async () => {
    const mock = await startTestMock({ taskTtlMs: 60_000 });
    try {
      const kie = new MockCaller(mock);
      const taskId = await kie.newTask();
      mock.admin.advanceClock(59_000);
      expect((await kie.record(taskId)).body.code).toBe(200);
      mock.admin.advanceClock(2_000);
      expect((await kie.record(taskId)).body.msg).toBe('recordInfo is null');
      expect(mock.admin.tasks()).toHaveLength(0);
    } finally {
      await mock.close();
    }
  });
});
