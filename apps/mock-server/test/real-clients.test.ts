/**
 * What real kie.ai clients showed about the service (shared/reference/real-clients.md), held by the
 * mock: an empty callBackUrl means no callback, an unknown model gets kie.ai's own answer, and final
 * records carry `creditsConsumed`.
 */
import { UNKNOWN_MODEL_MESSAGE } from '@kling-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';
import { startReceiver } from './receiver';

let mock: RunningMockServer;
let kie: MockCaller;
beforeAll(async () => {
  mock = await startTestMock({ rateLimit: false });
  kie = new MockCaller(mock);
});
afterAll(() => mock.close());

describe('what real clients showed about kie.ai', () => {
  it('accepts callBackUrl "" as "no callback", and delivers nothing', async () => {
    const receiver = await startReceiver();
    try {
      const taskId = await kie.newTask({ ...SEED_REQUEST, callBackUrl: '' });
      mock.admin.forceState(taskId, 'success');
      await mock.admin.settleCallbacks();
      expect(mock.admin.deliveries(taskId)).toEqual([]);
      expect(mock.admin.task(taskId).callBackUrl).toBeNull();
      expect(JSON.parse((await kie.record(taskId)).body.data?.param as string)).toMatchObject({
        callBackUrl: '',
      });
    } finally {
      await receiver.close();
    }
  });

  it("answers an unknown model with kie.ai's own text, code 422 in an HTTP 200", async () => {
    // `kling-3.0` is an old page copy's id (today's is `kling-3.0/video`); the deprecated avatar
    // aliases, by contrast, are served (see family.test.ts).
    for (const model of ['gpt-image-1', 'kling-3.0', 'kling/v2-1-PRO', '']) {
      const answer = await kie.createTask({ ...SEED_REQUEST, model, callBackUrl: '' });
      expect(answer.status, model).toBe(200);
      expect(answer.body).toEqual({ code: 422, msg: UNKNOWN_MODEL_MESSAGE, data: null });
    }
    // A model that is not a string is a plain validation error naming the field.
    const typed = await kie.createTask({ ...SEED_REQUEST, model: 42 });
    expect(typed.body.msg).toMatch(/^model: /);
  });

  it('puts creditsConsumed on final records only: the price on success, 0 on failure, as the callback charges', async () => {
    const receiver = await startReceiver();
    try {
      const running = await kie.newTask();
      mock.admin.forceState(running, 'generating');
      expect((await kie.record(running)).body.data).not.toHaveProperty('creditsConsumed');

      const succeeded = await kie.newTask({ ...SEED_REQUEST, callBackUrl: receiver.url });
      mock.admin.forceState(succeeded, 'success');
      const [callback] = await receiver.waitFor(1);
      const charged = (JSON.parse(callback?.body ?? '{}') as { data: { consumeCredits: number } }).data
        .consumeCredits;
      expect(charged).toBe(50);
      expect((await kie.record(succeeded)).body.data).toMatchObject({
        state: 'success',
        creditsConsumed: charged,
      });

      const failed = await kie.newTask();
      mock.admin.forceState(failed, 'fail');
      expect((await kie.record(failed)).body.data).toMatchObject({ state: 'fail', creditsConsumed: 0 });
    } finally {
      await receiver.close();
    }
  });
});
