import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { CallbackVerificationError, KlingError } from '../../src/index';
import { type CallbackHeaders, parseCallback, signCallback, verifyCallback } from '../../src/webhooks';
import { client, fakeFetch, ok, recordIn, TASK_ID } from './fake-fetch';

const SECRET = 'whk_4b1c9e0f2a7d';
const TIMESTAMP = 1_755_599_650;
const NOW = TIMESTAMP * 1000 + 5_000;
const PARAM = JSON.stringify({
  callBackUrl: 'http://127.0.0.1:8787/kie-callback',
  model: 'kling/v2-1-pro',
  input: {
    prompt: 'POV shot',
    image_url: 'https://file.example.com/a.webp',
    duration: '5',
    negative_prompt: 'blur',
    cfg_scale: 0.5,
    tail_image_url: '',
  },
});

const SUCCESS = {
  code: 200,
  data: {
    completeTime: 1_755_599_644_000,
    consumeCredits: 100,
    costTime: 8,
    createTime: 1_755_599_634_000,
    model: 'kling/v2-1-pro',
    param: PARAM,
    remainedCredits: 2_510_330,
    resultJson: '{"resultUrls":["https://example.com/generated.mp4"]}',
    state: 'success',
    taskId: TASK_ID,
    updateTime: 1_755_599_644_000,
  },
  msg: 'Playground task completed successfully.',
};

const FAILURE = {
  code: 501,
  data: {
    completeTime: 1_755_597_081_000,
    consumeCredits: 0,
    costTime: 0,
    createTime: 1_755_596_341_000,
    failCode: '500',
    failMsg: 'Internal server error',
    model: 'kling/v2-1-pro',
    param: PARAM,
    remainedCredits: 2_510_430,
    state: 'fail',
    taskId: TASK_ID,
    updateTime: 1_755_597_097_000,
  },
  msg: 'Playground task failed.',
};

/** kie.ai's algorithm, computed independently of the package. */
const sign = (taskId: string, timestamp: string | number, secret = SECRET) =>
  createHmac('sha256', secret).update(`${taskId}.${timestamp}`).digest('base64');

const headersFor = (taskId = TASK_ID, timestamp: string | number = TIMESTAMP, secret = SECRET) => ({
  'x-webhook-timestamp': String(timestamp),
  'x-webhook-signature': sign(taskId, timestamp, secret),
});

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackVerificationError);
    expect(error).toBeInstanceOf(KlingError);
    return (error as CallbackVerificationError).reason;
  }
  throw new Error('Expected the callback to be rejected');
}

describe('verifyCallback', () => {
  const headerForms: [string, CallbackHeaders][] = [
    ['Fetch Headers', new Headers(headersFor())],
    ['a lower-case object', headersFor()],
    [
      'an object with array values',
      { 'x-webhook-timestamp': [String(TIMESTAMP)], 'x-webhook-signature': [sign(TASK_ID, TIMESTAMP)] },
    ],
    [
      'an object with mixed-case names',
      { 'X-Webhook-Timestamp': String(TIMESTAMP), 'X-Webhook-Signature': sign(TASK_ID, TIMESTAMP) },
    ],
  ];
  const bodies: [string, string | object][] = [
    ['a raw string body', JSON.stringify(SUCCESS)],
    ['a parsed object body', SUCCESS],
  ];

  describe.each(bodies)('from %s', (_bodyTitle, body) => {
    it.each(headerForms)('verifies a correctly signed callback with %s', async (_title, headers) => {
      const callback = await verifyCallback({ body, headers, secret: SECRET, now: NOW });
      expect(callback.code).toBe(200);
      expect(callback.msg).toBe(SUCCESS.msg);
      expect(callback.data).toEqual(SUCCESS.data);
      expect(callback.task).toMatchObject({
        taskId: TASK_ID,
        state: 'success',
        resultUrls: ['https://example.com/generated.mp4'],
        failCode: null,
        failMsg: null,
        param: JSON.parse(PARAM),
      });
    });
  });

  it('decodes a failure callback with failCode as a string', async () => {
    const callback = await verifyCallback({ body: FAILURE, headers: headersFor(), secret: SECRET, now: NOW });
    expect(callback.code).toBe(501);
    expect(callback.task).toMatchObject({ state: 'fail', failCode: '500', failMsg: 'Internal server error' });
    expect(callback.task.resultUrls).toEqual([]);

    const numeric = { ...FAILURE, data: { ...FAILURE.data, failCode: 500 } };
    const decoded = await verifyCallback({ body: numeric, headers: headersFor(), secret: SECRET, now: NOW });
    expect(decoded.task.failCode).toBe('500');
  });

  it('accepts data.task_id as the id', async () => {
    const { taskId: _omitted, ...rest } = SUCCESS.data;
    const body = JSON.stringify({ ...SUCCESS, data: { ...rest, task_id: 'snake-case-id' } });
    const callback = await verifyCallback({
      body,
      headers: headersFor('snake-case-id'),
      secret: SECRET,
      now: NOW,
    });
    expect(callback.task.taskId).toBe('snake-case-id');
    expect(callback.task.resultUrls).toEqual(['https://example.com/generated.mp4']);
  });

  it('verifies with the current time by default', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(
      verifyCallback({ body: SUCCESS, headers: headersFor(TASK_ID, now), secret: SECRET }),
    ).resolves.toBeDefined();
  });

  it('ignores whitespace around the signature', async () => {
    const headers = { ...headersFor(), 'x-webhook-signature': ` ${sign(TASK_ID, TIMESTAMP)} ` };
    await expect(verifyCallback({ body: SUCCESS, headers, secret: SECRET, now: NOW })).resolves.toBeDefined();
  });

  it.each([
    ['a wrong secret', SUCCESS, headersFor(TASK_ID, TIMESTAMP, 'another-secret')],
    [
      'a tampered taskId',
      { ...SUCCESS, data: { ...SUCCESS.data, taskId: 'ffffffffffffffffffffffffffffffff' } },
      headersFor(),
    ],
    ['a tampered timestamp', SUCCESS, { ...headersFor(), 'x-webhook-timestamp': String(TIMESTAMP + 1) }],
    ['a non-base64 signature', SUCCESS, { ...headersFor(), 'x-webhook-signature': '%%% not base64 %%%' }],
    [
      'a truncated signature',
      SUCCESS,
      { ...headersFor(), 'x-webhook-signature': sign(TASK_ID, TIMESTAMP).slice(0, 8) },
    ],
    [
      'a hex signature',
      SUCCESS,
      {
        ...headersFor(),
        'x-webhook-signature': createHmac('sha256', SECRET).update(`${TASK_ID}.${TIMESTAMP}`).digest('hex'),
      },
    ],
  ])('rejects %s as bad-signature', async (_title, body, headers) => {
    expect(await reasonOf(verifyCallback({ body, headers, secret: SECRET, now: NOW }))).toBe('bad-signature');
  });

  it.each([
    ['no headers', {}],
    ['no signature', { 'x-webhook-timestamp': String(TIMESTAMP) }],
    ['no timestamp', { 'x-webhook-signature': sign(TASK_ID, TIMESTAMP) }],
    ['an empty signature', { 'x-webhook-timestamp': String(TIMESTAMP), 'x-webhook-signature': '' }],
    ['empty arrays', { 'x-webhook-timestamp': [], 'x-webhook-signature': [] }],
    ['empty Fetch Headers', new Headers()],
  ])('rejects a callback with %s as missing-signature', async (_title, headers) => {
    expect(await reasonOf(verifyCallback({ body: SUCCESS, headers, secret: SECRET, now: NOW }))).toBe(
      'missing-signature',
    );
  });

  it.each([
    ['older than the default 300 s', TIMESTAMP, (TIMESTAMP + 301) * 1000, undefined],
    ['in the future beyond the tolerance', TIMESTAMP, (TIMESTAMP - 301) * 1000, undefined],
    ['older than toleranceSec', TIMESTAMP, (TIMESTAMP + 61) * 1000, 60],
    ['not a number', `${TIMESTAMP}abc`, NOW, undefined],
    ['in milliseconds', TIMESTAMP * 1000, NOW, undefined],
  ])(
    'rejects a correctly signed timestamp %s as stale-timestamp',
    async (_title, timestamp, now, toleranceSec) => {
      const options = {
        body: SUCCESS,
        headers: headersFor(TASK_ID, timestamp),
        secret: SECRET,
        now,
        ...(toleranceSec === undefined ? {} : { toleranceSec }),
      };
      expect(await reasonOf(verifyCallback(options))).toBe('stale-timestamp');
    },
  );

  it('accepts a timestamp within toleranceSec', async () => {
    const now = (TIMESTAMP + 59) * 1000;
    await expect(
      verifyCallback({ body: SUCCESS, headers: headersFor(), secret: SECRET, now, toleranceSec: 60 }),
    ).resolves.toBeDefined();
  });

  it.each([
    ['invalid JSON', '{"code":200,'],
    ['an empty string', ''],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['an object without data', { code: 200 }],
    ['data without an id', { code: 200, data: { state: 'success' } }],
    ['a numeric taskId', { code: 200, data: { taskId: 123, state: 'success' } }],
    ['an unknown state', { code: 200, data: { taskId: TASK_ID, state: 'done' } }],
    ['no state', { code: 200, data: { taskId: TASK_ID } }],
  ])('rejects %s as invalid-body', async (_title, body) => {
    expect(await reasonOf(verifyCallback({ body, headers: headersFor(), secret: SECRET, now: NOW }))).toBe(
      'invalid-body',
    );
  });
});

/** What a call threw: a rejection, or a synchronous throw. */
async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('wrong arguments are a KlingError, checked before anything is used', () => {
  const VALID = { body: SUCCESS, headers: headersFor(), secret: SECRET, now: NOW };

  it.each([
    ['an empty secret', { secret: '' }, 'verifyCallback: secret'],
    ['a blank secret', { secret: '  ' }, 'verifyCallback: secret'],
    ['a missing secret', { secret: undefined }, 'verifyCallback: secret'],
    ['a non-string secret', { secret: 1234 }, 'verifyCallback: secret'],
    ['no headers', { headers: undefined }, 'verifyCallback: headers'],
    ['null headers', { headers: null }, 'verifyCallback: headers'],
    ['a NaN toleranceSec', { toleranceSec: Number.NaN }, 'verifyCallback: toleranceSec'],
    ['a negative toleranceSec', { toleranceSec: -1 }, 'verifyCallback: toleranceSec'],
    ['a string toleranceSec', { toleranceSec: '300' }, 'verifyCallback: toleranceSec'],
    ['a NaN now', { now: Number.NaN }, 'verifyCallback: now'],
    ['a string now', { now: '1755599655000' }, 'verifyCallback: now'],
  ])('verifyCallback with %s', async (_title, override, message) => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const options = { ...VALID, ...override } as Parameters<typeof verifyCallback>[0];
    const error = await thrown(() => verifyCallback(options));
    expect(error).toBeInstanceOf(KlingError);
    expect(error).not.toBeInstanceOf(CallbackVerificationError);
    expect((error as Error).message).toContain(message);
    expect(importKey).not.toHaveBeenCalled();
  });

  it('verifyCallback without options', async () => {
    const error = await thrown(() => verifyCallback(undefined as never));
    expect(error).toBeInstanceOf(KlingError);
    expect((error as Error).message).toContain('verifyCallback: options');
  });

  it('even a callback with no signature headers reports an empty secret first', async () => {
    const error = await thrown(() => verifyCallback({ ...VALID, headers: {}, secret: '' }));
    expect(error).not.toBeInstanceOf(CallbackVerificationError);
    expect((error as Error).message).toContain('secret');
  });

  it.each([
    ['an empty secret', [TASK_ID, ''], 'signCallback: secret'],
    ['a missing secret', [TASK_ID, undefined], 'signCallback: secret'],
    ['an empty taskId', ['', SECRET], 'signCallback: taskId'],
    ['a NaN timestamp', [TASK_ID, SECRET, Number.NaN], 'signCallback: timestampSec'],
    ['a timestamp in fractional seconds', [TASK_ID, SECRET, TIMESTAMP + 0.5], 'signCallback: timestampSec'],
  ])('signCallback with %s', async (_title, args, message) => {
    const error = await thrown(() => (signCallback as (...args: unknown[]) => Promise<unknown>)(...args));
    expect(error).toBeInstanceOf(KlingError);
    expect((error as Error).message).toContain(message);
  });

  // The class of bug, not one instance: whatever any argument holds, the functions either work or
  // throw this package's errors, never Web Crypto's DataError or a TypeError from a property read.
  const JUNK: unknown[] = [
    undefined,
    null,
    '',
    ' ',
    0,
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    {},
    [],
  ];
  const verifyKeys = ['body', 'headers', 'secret', 'toleranceSec', 'now'] as const;

  it.each(verifyKeys)('verifyCallback throws only KlingError, whatever %s holds', async (key) => {
    for (const junk of JUNK) {
      const error = await thrown(() => verifyCallback({ ...VALID, [key]: junk } as never));
      if (error !== undefined) {
        expect(error, `${key}: ${String(junk)}`).toBeInstanceOf(KlingError);
      }
    }
  });

  it.each(['x-webhook-timestamp', 'x-webhook-signature'])(
    'verifyCallback throws only KlingError, whatever header %s holds',
    async (name) => {
      for (const junk of [...JUNK, [undefined], [42]]) {
        const headers = { ...headersFor(), [name]: junk };
        const error = await thrown(() => verifyCallback({ ...VALID, headers } as never));
        if (error !== undefined) {
          expect(error, `${name}: ${String(junk)}`).toBeInstanceOf(KlingError);
        }
      }
    },
  );

  it.each([0, 1, 2])('signCallback throws only KlingError, whatever argument %i holds', async (index) => {
    for (const junk of JUNK) {
      const args: unknown[] = [TASK_ID, SECRET, TIMESTAMP];
      args[index] = junk;
      const error = await thrown(() => (signCallback as (...args: unknown[]) => Promise<unknown>)(...args));
      if (error !== undefined) {
        expect(error, `argument ${index}: ${String(junk)}`).toBeInstanceOf(KlingError);
      }
    }
  });
});

describe('signCallback', () => {
  it('signs as kie.ai does', async () => {
    const headers = await signCallback(TASK_ID, SECRET, TIMESTAMP);
    expect(headers).toEqual({
      'X-Webhook-Timestamp': String(TIMESTAMP),
      'X-Webhook-Signature': sign(TASK_ID, TIMESTAMP),
    });
  });

  it('produces headers that verify, with Fetch Headers and as an object', async () => {
    const headers = await signCallback(TASK_ID, SECRET, TIMESTAMP);
    await expect(verifyCallback({ body: SUCCESS, headers, secret: SECRET, now: NOW })).resolves.toBeDefined();
    await expect(
      verifyCallback({ body: SUCCESS, headers: new Headers(headers), secret: SECRET, now: NOW }),
    ).resolves.toBeDefined();
  });

  it('uses the current time by default', async () => {
    const before = Math.floor(Date.now() / 1000);
    const headers = await signCallback(TASK_ID, SECRET);
    const timestamp = Number(headers['X-Webhook-Timestamp']);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(before + 1);
    await expect(verifyCallback({ body: SUCCESS, headers, secret: SECRET })).resolves.toBeDefined();
  });

  it('handles non-ASCII secrets and ids the same way as node:crypto', async () => {
    const headers = await signCallback('tâche-1', 'clé-secrète', TIMESTAMP);
    expect(headers['X-Webhook-Signature']).toBe(sign('tâche-1', TIMESTAMP, 'clé-secrète'));
  });
});

describe('parseCallback', () => {
  it('parses without checking a signature', () => {
    const callback = parseCallback(JSON.stringify(FAILURE));
    expect(callback.task).toMatchObject({ taskId: TASK_ID, state: 'fail', failCode: '500' });
  });

  it('throws invalid-body for a non-callback', () => {
    expect(() => parseCallback('not json')).toThrow(CallbackVerificationError);
    expect(() => parseCallback({ hello: 'world' })).toThrow(
      expect.objectContaining({ reason: 'invalid-body' }),
    );
  });
});

describe('confirmCallback', () => {
  it('fetches the authoritative record for a verified callback', async () => {
    const fake = fakeFetch(() => ok(recordIn('success')));
    const callback = await verifyCallback({ body: SUCCESS, headers: headersFor(), secret: SECRET, now: NOW });
    const task = await client(fake).confirmCallback(callback);
    expect(task.state).toBe('success');
    expect(fake.calls[0]?.url.searchParams.get('taskId')).toBe(TASK_ID);
    await client(fake).confirmCallback({ data: { taskId: 'raw-payload-id' } });
    expect(fake.calls[1]?.url.searchParams.get('taskId')).toBe('raw-payload-id');
  });
});
