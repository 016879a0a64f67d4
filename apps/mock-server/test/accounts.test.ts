import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';

const TEN_SECONDS = { ...SEED_REQUEST, input: { ...SEED_REQUEST.input, duration: '10' } };

let mock: RunningMockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('auth', () => {
  it('answers 401 in the envelope (HTTP 200) without a token, with an empty one or a wrong scheme', async () => {
    mock = await startTestMock();
    for (const authorization of [undefined, '', 'Bearer', 'Bearer   ', 'Basic dXNlcjpwYXNz']) {
      const caller = new MockCaller(mock, null);
      const answer = await caller.call('GET', '/api/v1/chat/credit', {
        headers: authorization === undefined ? {} : { Authorization: authorization },
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ code: 401, msg: 'You do not have access permissions', data: null });
    }
  });

  it('accepts any token as its own account without --api-key, and only the given keys with it', async () => {
    mock = await startTestMock();
    expect((await new MockCaller(mock, 'anything').credits()).body.code).toBe(200);
    await mock.close();
    mock = await startTestMock({ apiKeys: ['key-a', 'key-b'] });
    expect((await new MockCaller(mock, 'key-b').credits()).body.code).toBe(200);
    expect((await new MockCaller(mock, 'key-c').credits()).body.code).toBe(401);
  });
});

describe('credits', () => {
  it('charges 50 for 5 s and 100 for 10 s, on success only, per account', async () => {
    mock = await startTestMock({ credits: 1_000 });
    const alice = new MockCaller(mock, 'alice');
    const bob = new MockCaller(mock, 'bob');
    await alice.newTask();
    await alice.newTask(TEN_SECONDS);
    expect((await alice.credits()).body.data).toBe(1_000);
    mock.admin.advanceClock(10_000);
    expect((await alice.credits()).body).toEqual({ code: 200, msg: 'success', data: 850 });
    expect((await bob.credits()).body.data).toBe(1_000);
  });

  it('answers 402 at create time when the balance (less running tasks) cannot cover the price', async () => {
    mock = await startTestMock({ credits: 120 });
    const kie = new MockCaller(mock);
    await kie.newTask(TEN_SECONDS);
    const refused = await kie.createTask();
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ code: 402, data: null });
    expect(refused.body.msg).toContain('needs 50 credits');
    mock.admin.advanceClock(10_000);
    expect((await kie.credits()).body.data).toBe(20);
    expect((await kie.createTask()).body.code).toBe(402);
    mock.admin.setCredits({ apiKey: 'test-key' }, 50);
    expect((await kie.createTask()).body.code).toBe(200);
  });

  it('releases the hold of a failed task', async () => {
    mock = await startTestMock({ credits: 50 });
    const kie = new MockCaller(mock);
    const taskId = await kie.newTask();
    expect((await kie.createTask()).body.code).toBe(402);
    mock.admin.forceState(taskId, 'fail');
    expect((await kie.createTask()).body.code).toBe(200);
    expect((await kie.credits()).body.data).toBe(50);
  });
});

describe('kie.ai rate limits', () => {
  it('answers the 21st createTask in 10 s with HTTP 429 and code 429, not queued', async () => {
    mock = await startTestMock();
    const kie = new MockCaller(mock);
    const answers = [];
    for (let i = 0; i < 21; i++) {
      answers.push(await kie.createTask());
    }
    expect(answers.slice(0, 20).every((answer) => answer.body.code === 200)).toBe(true);
    const last = answers[20];
    expect(last?.status).toBe(429);
    expect(last?.body).toEqual({ code: 429, msg: 'Rate limit exceeded', data: null });
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(mock.admin.tasks()).toHaveLength(20);
    expect((await new MockCaller(mock, 'other-account').createTask()).body.code).toBe(200);
    mock.admin.advanceClock(10_000);
    expect((await kie.createTask()).body.code).toBe(200);
  });

  it('allows 10 recordInfo queries per second per key', async () => {
    mock = await startTestMock();
    const kie = new MockCaller(mock);
    const taskId = await kie.newTask();
    const codes = await Promise.all(
      Array.from({ length: 11 }, () => kie.record(taskId).then((a) => a.body.code)),
    );
    expect(codes.filter((code) => code === 200)).toHaveLength(10);
    expect(codes.filter((code) => code === 429)).toHaveLength(1);
    mock.admin.advanceClock(1_000);
    expect((await kie.record(taskId)).body.code).toBe(200);
  });

  it('turns off with rateLimit: false', async () => {
    mock = await startTestMock({ rateLimit: false });
    const kie = new MockCaller(mock);
    for (let i = 0; i < 25; i++) {
      expect((await kie.createTask()).body.code).toBe(200);
    }
  });
});

describe('HTTP status mirror mode', () => {
  it('answers HTTP status = body code', async () => {
    mock = await startTestMock({ httpStatusMirror: true, credits: 0 });
    const kie = new MockCaller(mock);
    expect((await kie.createTask()).status).toBe(402);
    expect((await kie.createTask({})).status).toBe(422);
    expect((await new MockCaller(mock, null).credits()).status).toBe(401);
    expect((await kie.credits()).status).toBe(200);
  });
});
