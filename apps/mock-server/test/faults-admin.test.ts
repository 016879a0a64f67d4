import { createConnection } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';

let mock: RunningMockServer;
let kie: MockCaller;
let admin: MockCaller;
beforeAll(async () => {
  mock = await startTestMock({ rateLimit: false });
  kie = new MockCaller(mock);
  admin = new MockCaller(mock, null);
});
beforeEach(() => {
  mock.admin.reset();
  mock.admin.configure({ timing: 'fast' });
});
afterAll(() => mock.close());

/** Fast timing waits 100–200 ms only: tests that inspect a waiting task give it a minute of real time. */
const WAITS_A_MINUTE = { waitingMs: 60_000, queuingMs: 1_000, generatingMs: 1_000 };

describe('faults', () => {
  it('forces one answer with Prefer: code=…, in the operation’s own envelope', async () => {
    const forced = await kie.createTask(SEED_REQUEST, { Prefer: 'code=455' });
    expect(forced.body).toEqual({ code: 455, msg: expect.stringContaining('maintenance'), data: null });
    expect((await kie.createTask()).body.code).toBe(200);
    const upload = await kie.call('POST', '/api/file-base64-upload', {
      json: {},
      headers: { Prefer: 'code=500' },
    });
    expect(upload.status).toBe(500);
    expect(upload.body).toMatchObject({ success: false, code: 500 });
  });

  it('scripts the next N answers of an operation, skipping the first ones with `after`', async () => {
    const taskId = await kie.newTask();
    mock.admin.addFault({
      operation: 'getTaskRecord',
      taskId,
      after: 2,
      times: 2,
      code: 429,
      retryAfterSec: 3,
    });
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await kie.record(taskId));
    }
    expect(answers.map((answer) => answer.body.code)).toEqual([200, 200, 429, 429, 200]);
    expect(answers[2]?.status).toBe(429);
    expect(answers[2]?.headers.get('retry-after')).toBe('3');
    expect(mock.admin.faults()).toHaveLength(0);
  });

  it('targets one account, any envelope code and HTTP status', async () => {
    const other = new MockCaller(mock, 'other-key');
    const accountId = (await admin.call<{ data: { accountId: string }[] }>('GET', '/__admin/accounts')).body
      .data;
    expect(accountId).toEqual([]);
    await other.credits();
    const [account] = mock.admin.accounts();
    mock.admin.addFault({ operation: '*', accountId: account?.accountId, code: 500, httpStatus: 503 });
    expect((await kie.credits()).body.code).toBe(200);
    const failed = await other.credits();
    expect([failed.status, failed.body.code]).toEqual([503, 500]);
  });

  it('answers a non-JSON body, delays, or drops the connection', async () => {
    mock.admin.addFault({
      operation: 'getCreditBalance',
      rawBody: '<html>502 Bad Gateway</html>',
      httpStatus: 502,
    });
    const html = await fetch(`${mock.url}/api/v1/chat/credit`, { headers: { Authorization: 'Bearer k' } });
    expect([html.status, await html.text()]).toEqual([502, '<html>502 Bad Gateway</html>']);

    mock.admin.addFault({ operation: 'getCreditBalance', delayMs: 300 });
    const started = Date.now();
    expect((await kie.credits()).body.code).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);

    mock.admin.addFault({ operation: 'createTask', drop: true });
    await expect(kie.createTask()).rejects.toThrow();
    expect(mock.admin.tasks()).toHaveLength(0);
    expect((await kie.createTask()).body.code).toBe(200);
  });

  it('is scripted, listed and removed through the admin API', async () => {
    const added = await admin.call<{ data: { id: string } }>('POST', '/__admin/faults', {
      json: { operation: 'createTask', code: 505, times: 3 },
    });
    expect(added.body.data).toMatchObject({ operation: 'createTask', code: 505, times: 3, applied: 0 });
    expect((await kie.createTask()).body.code).toBe(505);
    const listed = await admin.call<{ data: { applied: number }[] }>('GET', '/__admin/faults');
    expect(listed.body.data[0]?.applied).toBe(1);
    await admin.call('DELETE', `/__admin/faults/${added.body.data.id}`);
    expect((await kie.createTask()).body.code).toBe(200);
    const bad = await admin.call('POST', '/__admin/faults', { json: { operation: 'nope' } });
    expect(bad.status).toBe(400);
  });
});

describe('the admin API', () => {
  it('lists its endpoints', async () => {
    const index = await admin.call<{ data: { endpoints: Record<string, string> } }>('GET', '/__admin');
    expect(Object.keys(index.body.data.endpoints)).toContain('POST /__admin/clock/advance');
  });

  it('lists and inspects tasks, never showing an API key', async () => {
    mock.admin.configure({ timing: WAITS_A_MINUTE });
    const taskId = await new MockCaller(mock, 'sk-secret-key-xyz').newTask();
    const list = await admin.call<{ data: { taskId: string; accountId: string; state: string }[] }>(
      'GET',
      '/__admin/tasks?state=waiting',
    );
    expect(list.body.data.map((task) => task.taskId)).toEqual([taskId]);
    expect(list.body.data[0]?.accountId).toMatch(/^acct_[0-9a-f]{12}$/);
    const one = await admin.call('GET', `/__admin/tasks/${taskId}`);
    expect(one.body).toMatchObject({
      code: 200,
      data: { taskId, record: { taskId, state: 'waiting' }, deliveries: [] },
    });
    const everything = JSON.stringify([
      list.body,
      one.body,
      (await admin.call('GET', '/__admin/accounts')).body,
    ]);
    expect(everything).not.toContain('sk-secret-key-xyz');
    expect((await admin.call('GET', '/__admin/tasks/nope')).status).toBe(404);
    expect((await admin.call('GET', '/__admin/tasks?state=done')).status).toBe(400);
  });

  it('holds a task in a state, resumes it, and ends it on demand', async () => {
    const taskId = await kie.newTask();
    await admin.call('POST', `/__admin/tasks/${taskId}/state`, { json: { state: 'generating' } });
    mock.admin.advanceClock(60_000);
    expect((await kie.record(taskId)).body.data?.state).toBe('generating');
    await admin.call('POST', `/__admin/tasks/${taskId}/resume`, { json: {} });
    mock.admin.advanceClock(60_000);
    expect((await kie.record(taskId)).body.data?.state).toBe('success');
    const again = await admin.call('POST', `/__admin/tasks/${taskId}/state`, { json: { state: 'fail' } });
    expect(again.status).toBe(409);

    const second = await kie.newTask();
    const failed = await admin.call('POST', `/__admin/tasks/${second}/state`, {
      json: { state: 'fail', failCode: 422, failMsg: 'Flagged by the content filter' },
    });
    expect(failed.body).toMatchObject({
      data: { state: 'fail', record: { failCode: 422, failMsg: 'Flagged by the content filter' } },
    });
    expect((await kie.record(second)).body.data).toMatchObject({ state: 'fail', failCode: 422 });
  });

  it('decides an outcome without changing the timing', async () => {
    mock.admin.configure({ timing: WAITS_A_MINUTE });
    const taskId = await kie.newTask();
    const before = mock.admin.task(taskId).schedule;
    await admin.call('POST', `/__admin/tasks/${taskId}/outcome`, { json: { outcome: 'fail' } });
    expect(mock.admin.task(taskId).schedule).toEqual(before);
    expect((await kie.record(taskId)).body.data?.state).toBe('waiting');
    mock.admin.advanceClock(62_000);
    expect((await kie.record(taskId)).body.data).toMatchObject({ state: 'fail', failCode: '500' });
  });

  it('advances the clock, sets credits, changes settings and resets', async () => {
    const clock = await admin.call<{ data: { offsetMs: number } }>('POST', '/__admin/clock/advance', {
      json: { ms: 5_000 },
    });
    expect(clock.body.data.offsetMs).toBeGreaterThanOrEqual(5_000);
    expect((await admin.call('POST', '/__admin/clock/advance', { json: { ms: -1 } })).status).toBe(400);

    await admin.call('POST', '/__admin/credits', { json: { apiKey: 'test-key', credits: 10 } });
    expect((await kie.credits()).body.data).toBe(10);
    expect((await kie.createTask()).body.code).toBe(402);

    const config = await admin.call('PATCH', '/__admin/config', {
      json: { failRate: 1, httpStatusMirror: true },
    });
    expect(config.body).toMatchObject({ data: { failRate: 1, httpStatusMirror: true, timing: 'fast' } });
    expect((await kie.createTask()).status).toBe(402);
    await admin.call('PATCH', '/__admin/config', { json: { failRate: 0, httpStatusMirror: false } });

    await admin.call('POST', '/__admin/reset', { json: {} });
    expect((await kie.credits()).body.data).toBe(100_000);
    expect(mock.admin.tasks()).toHaveLength(0);
  });

  it('answers malformed admin JSON with a 400 envelope', async () => {
    const answer = await admin.call('POST', '/__admin/faults', {
      body: '{oops',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 400, data: null });
  });
});

describe('robustness', () => {
  it('survives a client that hangs up mid-body', async () => {
    const url = new URL(mock.url);
    await new Promise<void>((resolve) => {
      const socket = createConnection(Number(url.port), url.hostname, () => {
        socket.write('POST /api/v1/jobs/createTask HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n');
        socket.write('Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"model":');
        socket.destroy();
        resolve();
      });
    });
    expect((await fetch(`${mock.url}/healthz`)).status).toBe(200);
  });

  it('answers unknown paths with a 404 envelope', async () => {
    const answer = await admin.call('GET', '/api/v1/nope');
    expect([answer.status, answer.body]).toEqual([404, { code: 404, msg: 'Not found', data: null }]);
  });
});
