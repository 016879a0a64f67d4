/**
 * What keeps the mock bounded under abuse: callbacks cannot loop through the mock itself and each
 * task gets a capped number of deliveries; task ids never repeat in a process, reset included;
 * accounts and uploads have caps; delivery logs hide passwords; keys compare in constant time.
 */

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { accountIdOf, isAcceptedKey } from '../src/state/accounts';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';
import { startReceiver } from './receiver';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let mock: RunningMockServer;
let kie: MockCaller;
beforeAll(async () => {
  mock = await startTestMock({ rateLimit: false, maxDeliveriesPerTask: 3 });
  kie = new MockCaller(mock);
});
afterAll(() => mock.close());

describe('callbacks that point at the mock itself', () => {
  it('refuses a callBackUrl on the mock’s own admin API, under any loopback name', async () => {
    const port = new URL(mock.url).port;
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '127.0.0.2']) {
      for (const path of [
        '/__admin/callbacks/dlv_1/redeliver',
        '/__ADMIN/reset',
        '/%5F%5Fadmin/tasks/x/callback',
      ]) {
        const answer = await kie.createTask({
          ...SEED_REQUEST,
          callBackUrl: `http://${host}:${port}${path}`,
        });
        expect(answer.body.code, `${host}${path}`).toBe(422);
        expect(answer.body.msg).toBe("callBackUrl must not point at the mock's own admin API");
      }
    }
  });

  it('caps the deliveries of one task: retries, redeliveries and manual sends included', async () => {
    const receiver = await startReceiver();
    try {
      const taskId = await kie.newTask({ ...SEED_REQUEST, callBackUrl: receiver.url });
      mock.admin.forceState(taskId, 'success');
      await receiver.waitFor(1);
      await mock.admin.settleCallbacks();
      const [first] = mock.admin.deliveries(taskId);
      expect((await kie.call('POST', `/__admin/callbacks/${first?.id}/redeliver`, { json: {} })).status).toBe(
        200,
      );
      expect((await kie.call('POST', `/__admin/tasks/${taskId}/callback`, { json: {} })).status).toBe(200);
      const over = await kie.call<{ code: number; msg: string }>(
        'POST',
        `/__admin/tasks/${taskId}/callback`,
        {
          json: {},
        },
      );
      expect(over.status).toBe(429);
      expect(over.body.msg).toMatch(/3 callback deliveries/);
      await mock.admin.settleCallbacks();
      expect(receiver.received).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  it('stops retrying a failing receiver at the cap', async () => {
    const receiver = await startReceiver();
    receiver.statuses = [500];
    try {
      const taskId = await kie.newTask({ ...SEED_REQUEST, callBackUrl: receiver.url });
      mock.admin.forceState(taskId, 'success');
      for (let step = 0; step < 10; step++) {
        await mock.admin.settleCallbacks();
        mock.admin.advanceClock(60 * 60 * 1000);
      }
      await mock.admin.settleCallbacks();
      expect(mock.admin.deliveries(taskId)).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });
});

describe('task ids', () => {
  it('never repeat within a process, across resets, yet replay from run to run', async () => {
    const run = async () => {
      const fresh = await startTestMock({ rateLimit: false, seed: 'ids' });
      const caller = new MockCaller(fresh);
      const rounds: string[][] = [];
      try {
        for (let round = 0; round < 3; round++) {
          rounds.push([await caller.newTask(), await caller.newTask()]);
          expect((await caller.call('POST', '/__admin/reset', { json: {} })).status).toBe(200);
        }
      } finally {
        await fresh.close();
      }
      return rounds;
    };
    const first = await run();
    expect(new Set(first.flat()).size).toBe(6);
    expect(await run()).toEqual(first);
  });
});

describe('accounts and uploads are bounded', () => {
  it('keeps at most maxAccounts accounts, forgetting idle ones first, and never an account with a task running', async () => {
    const small = await startTestMock({
      rateLimit: false,
      maxAccounts: 5,
      timing: { waitingMs: 3_600_000, queuingMs: 0, generatingMs: 0 },
    });
    try {
      const busy = new MockCaller(small, 'busy-key');
      const taskId = await busy.newTask();
      for (let index = 0; index < 50; index++) {
        expect((await new MockCaller(small, `token-${index}`).credits()).body.code).toBe(200);
      }
      const accounts = small.admin.accounts();
      expect(accounts.length).toBeLessThanOrEqual(5);
      expect(accounts.map((account) => account.accountId)).toContain(accountIdOf('busy-key'));
      expect((await busy.record(taskId)).body.code).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('answers 413 with a clear message when live uploads would pass the store cap, and takes uploads again once they expire', async () => {
    const small = await startTestMock({ uploadStoreBytes: PNG.length * 3, uploadTtlMs: 60_000 });
    const caller = new MockCaller(small);
    const upload = (fileName: string) =>
      caller.call<{ code: number; msg: string }>('POST', '/api/file-base64-upload', {
        json: { base64Data: PNG.toString('base64'), uploadPath: 'cap', fileName },
      });
    try {
      for (const name of ['a.png', 'b.png', 'c.png', 'c.png']) {
        expect((await upload(name)).body.code, name).toBe(200);
      }
      const full = await upload('d.png');
      expect(full.status).toBe(413);
      expect(full.body.msg).toMatch(/upload store is full .*--upload-store-mb/);
      small.admin.advanceClock(61_000);
      expect((await upload('d.png')).body.code).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('secrets', () => {
  it('shows a callback URL’s password as *** in the delivery log, and still sends it', async () => {
    const receiver = await startReceiver();
    try {
      const url = receiver.url.replace('http://', 'http://hook:pa55word@');
      const taskId = await kie.newTask({ ...SEED_REQUEST, callBackUrl: url });
      mock.admin.forceState(taskId, 'success');
      const [received] = await receiver.waitFor(1);
      expect(received?.headers.authorization).toBe(
        `Basic ${Buffer.from('hook:pa55word').toString('base64')}`,
      );
      const logged = await kie.call<{ data: { url: string }[] }>(
        'GET',
        `/__admin/callbacks?taskId=${taskId}`,
      );
      expect(JSON.stringify(logged.body)).not.toContain('pa55word');
      expect(logged.body.data[0]?.url).toContain('hook:***@');
    } finally {
      await receiver.close();
    }
  });

  it('accepts exactly the configured keys', () => {
    const keys = ['alpha-key', 'beta'].map((key) => createHash('sha256').update(key).digest());
    expect(isAcceptedKey(keys, 'alpha-key')).toBe(true);
    expect(isAcceptedKey(keys, 'beta')).toBe(true);
    for (const token of ['alpha', 'alpha-key ', 'beta-key', '', 'ALPHA-KEY']) {
      expect(isAcceptedKey(keys, token), token).toBe(false);
    }
  });
});
