import { createHmac } from 'node:crypto';
import { validateCallbackPayload } from '@kling-kit/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';
import { type Receiver, startReceiver } from './receiver';

const HMAC_KEY = 'webhook-hmac-key';
let mock: RunningMockServer;
let receiver: Receiver;
let kie: MockCaller;

beforeEach(async () => {
  receiver = await startReceiver();
  mock = await startTestMock({ hmacKey: HMAC_KEY, callbackTimeoutMs: 300, credits: 1_000 });
  kie = new MockCaller(mock);
});
afterEach(async () => {
  await mock.close();
  await receiver.close();
});

const withCallback = (url: string, duration: '5' | '10' = '5') => ({
  ...SEED_REQUEST,
  callBackUrl: url,
  input: { ...SEED_REQUEST.input, duration },
});

describe('callbacks', () => {
  it('POSTs the finished record plus credits, signed with kie.ai’s scheme', async () => {
    const taskId = await kie.newTask(withCallback(receiver.url));
    mock.admin.advanceClock(10_000);
    const [callback] = await receiver.waitFor(1);
    const payload = JSON.parse(callback?.body ?? '');
    expect(validateCallbackPayload(payload).ok).toBe(true);
    expect(payload).toMatchObject({
      code: 200,
      data: { taskId, state: 'success', consumeCredits: 50, remainedCredits: 950, failCode: '', failMsg: '' },
    });
    expect(payload.data).toEqual({
      ...(await kie.record(taskId)).body.data,
      consumeCredits: 50,
      remainedCredits: 950,
    });
    const timestamp = String(callback?.headers['x-webhook-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    const expected = createHmac('sha256', HMAC_KEY).update(`${taskId}.${timestamp}`).digest('base64');
    expect(callback?.headers['x-webhook-signature']).toBe(expected);
    expect(callback?.headers['content-type']).toBe('application/json');
  });

  it('reports failures with code 501 and charges nothing', async () => {
    const taskId = await kie.newTask(withCallback(receiver.url, '10'));
    mock.admin.forceState(taskId, 'fail', { failCode: '500', failMsg: 'Internal server error' });
    const [callback] = await receiver.waitFor(1);
    expect(JSON.parse(callback?.body ?? '')).toMatchObject({
      code: 501,
      msg: 'Playground task failed.',
      data: {
        taskId,
        state: 'fail',
        failCode: '500',
        failMsg: 'Internal server error',
        consumeCredits: 0,
        remainedCredits: 1_000,
      },
    });
  });

  it('sends nothing without a callBackUrl, and no signature without an HMAC key', async () => {
    await kie.newTask({ ...SEED_REQUEST, callBackUrl: undefined });
    mock.admin.advanceClock(10_000);
    await mock.admin.settleCallbacks();
    expect(mock.admin.deliveries()).toHaveLength(0);

    const unsigned = await startTestMock();
    try {
      await new MockCaller(unsigned).newTask(withCallback(receiver.url));
      unsigned.admin.advanceClock(10_000);
      const [callback] = await receiver.waitFor(1);
      expect(callback?.headers['x-webhook-signature']).toBeUndefined();
      expect(callback?.headers['x-webhook-timestamp']).toBeUndefined();
    } finally {
      await unsigned.close();
    }
  });

  it('retries a non-2xx answer with backoff, and logs every attempt', async () => {
    receiver.statuses = [500, 503, 200];
    const taskId = await kie.newTask(withCallback(receiver.url));
    // Realistic retry delays (5 s, then 30 s) are far beyond the few wall-clock milliseconds this test
    // takes, so only advanceClock brings each retry: the backoff is checked on the mock clock.
    mock.admin.configure({ timing: 'realistic' });
    const attemptsSoFar = async () => {
      await mock.admin.settleCallbacks();
      return mock.admin.deliveries(taskId).length;
    };
    mock.admin.advanceClock(10_000);
    expect(await attemptsSoFar()).toBe(1);
    mock.admin.advanceClock(4_000);
    expect(await attemptsSoFar()).toBe(1); // not before the first delay
    mock.admin.advanceClock(1_000);
    expect(await attemptsSoFar()).toBe(2);
    mock.admin.advanceClock(25_000);
    expect(await attemptsSoFar()).toBe(2); // the second delay is longer than the first
    mock.admin.advanceClock(5_000);
    expect(await attemptsSoFar()).toBe(3);
    const attempts = await receiver.waitFor(3);
    const log = mock.admin.deliveries(taskId);
    expect(log.map((entry) => [entry.attempt, entry.trigger, entry.outcome, entry.status])).toEqual([
      [1, 'task-finished', 'failed', 500],
      [2, 'retry', 'failed', 503],
      [3, 'retry', 'delivered', 200],
    ]);
    const times = log.map((entry) => entry.sentAt);
    const [first = 0, second = 0, third = 0] = times;
    expect(third - second).toBeGreaterThan(second - first);
    expect(attempts.map((attempt) => JSON.parse(attempt.body).data.taskId)).toEqual([taskId, taskId, taskId]);
  });

  it('gives up after 3 retries', async () => {
    receiver.statuses = [500];
    const taskId = await kie.newTask(withCallback(receiver.url));
    mock.admin.advanceClock(10_000);
    await receiver.waitFor(4);
    mock.admin.advanceClock(60_000);
    await mock.admin.settleCallbacks();
    expect(mock.admin.deliveries(taskId).map((entry) => entry.attempt)).toEqual([1, 2, 3, 4]);
    expect(receiver.received).toHaveLength(4);
  });

  it('counts a slow receiver as a timeout and retries', async () => {
    receiver.delayMs = 1_000;
    const taskId = await kie.newTask(withCallback(receiver.url));
    mock.admin.advanceClock(10_000);
    await receiver.waitFor(2);
    const [first] = mock.admin.deliveries(taskId);
    expect(first).toMatchObject({ outcome: 'failed', error: 'timeout after 300 ms' });
  });

  it('logs a refused connection and never blocks the API', async () => {
    const closed = await startReceiver();
    await closed.close();
    const taskId = await kie.newTask(withCallback(closed.url));
    mock.admin.advanceClock(10_000);
    expect((await kie.record(taskId)).body.data?.state).toBe('success');
    await mock.admin.settleCallbacks();
    expect(mock.admin.deliveries(taskId)[0]).toMatchObject({ outcome: 'failed', error: 'ECONNREFUSED' });
  });

  it('redelivers a logged callback and sends one on demand, through the admin API', async () => {
    const taskId = await kie.newTask(withCallback(receiver.url));
    mock.admin.advanceClock(10_000);
    await receiver.waitFor(1);
    await mock.admin.settleCallbacks();
    const [delivery] = mock.admin.deliveries(taskId);
    const admin = new MockCaller(mock, null);
    const redelivered = await admin.call('POST', `/__admin/callbacks/${delivery?.id}/redeliver`, {
      json: {},
    });
    expect(redelivered.body).toMatchObject({ code: 200, data: { id: delivery?.id } });
    await admin.call('POST', `/__admin/tasks/${taskId}/callback`, { json: {} });
    const all = await receiver.waitFor(3);
    expect(new Set(all.map((callback) => JSON.parse(callback.body).data.taskId))).toEqual(new Set([taskId]));
    await mock.admin.settleCallbacks();
    expect(mock.admin.deliveries(taskId).map((entry) => entry.trigger)).toEqual([
      'task-finished',
      'redeliver',
      'manual',
    ]);
    const log = await admin.call<{ data: unknown[] }>('GET', `/__admin/callbacks?taskId=${taskId}`);
    expect(log.body.data).toHaveLength(3);
    expect((await admin.call('POST', '/__admin/callbacks/dlv_999/redeliver', { json: {} })).status).toBe(404);
  });
});
