import type { KlingV21ProInput, TaskRecord } from '@kling-kit/contract';
import { describe, expect, it } from 'vitest';
import {
  type CreateTaskParams,
  decodeTask,
  KlingError,
  KlingInputError,
  type TaskHandle,
} from '../../src/index';
import {
  API_KEY,
  BASE_URL,
  client,
  fakeFetch,
  IMAGE_URL,
  ok,
  PARAM,
  record,
  recordIn,
  rejection,
  scripted,
  TASK_ID,
} from './fake-fetch';

const INPUT = { prompt: 'A cat surfing a wave at sunset', image_url: IMAGE_URL };
/** Only ever checked in a request body (no server here); loopback all the same, like every test's. */
const CALLBACK_URL = 'http://127.0.0.1:8787/kie-callback';

describe('createTask: local validation', () => {
  const cases: [string, CreateTaskParams, { path: string; keyword: unknown }[]][] = [
    [
      'an over-long prompt',
      { input: { ...INPUT, prompt: 'x'.repeat(5001) } },
      [{ path: 'input.prompt', keyword: 'maxLength' }],
    ],
    [
      'an empty prompt',
      { input: { ...INPUT, prompt: '' } },
      [{ path: 'input.prompt', keyword: 'minLength' }],
    ],
    [
      'cfg_scale 1.1',
      { input: { ...INPUT, cfg_scale: 1.1 } },
      [{ path: 'input.cfg_scale', keyword: 'maximum' }],
    ],
    [
      'cfg_scale -0.1',
      { input: { ...INPUT, cfg_scale: -0.1 } },
      [{ path: 'input.cfg_scale', keyword: 'minimum' }],
    ],
    [
      'cfg_scale 0.25',
      { input: { ...INPUT, cfg_scale: 0.25 } },
      [{ path: 'input.cfg_scale', keyword: 'multipleOf' }],
    ],
    [
      'duration "7"',
      { input: { ...INPUT, duration: '7' as unknown as '5' } },
      [{ path: 'input.duration', keyword: 'enum' }],
    ],
    [
      'a numeric duration',
      { input: { ...INPUT, duration: 5 as unknown as '5' } },
      [{ path: 'input.duration', keyword: expect.any(String) }],
    ],
    [
      'a missing image_url',
      { input: { prompt: 'p' } as unknown as KlingV21ProInput },
      [{ path: 'input.image_url', keyword: 'required' }],
    ],
    [
      'an image_url that is not http(s)',
      { input: { ...INPUT, image_url: 'file:///tmp/a.png' } },
      [{ path: 'input.image_url', keyword: 'pattern' }],
    ],
    [
      'an over-long negative_prompt',
      { input: { ...INPUT, negative_prompt: 'n'.repeat(501) } },
      [{ path: 'input.negative_prompt', keyword: 'maxLength' }],
    ],
    [
      'a callBackUrl that is not a URL',
      { input: INPUT, callBackUrl: 'not a url' },
      [{ path: 'callBackUrl', keyword: expect.any(String) }],
    ],
    [
      'several broken rules at once',
      { input: { ...INPUT, prompt: 'x'.repeat(5001), cfg_scale: 1.1, duration: '7' as unknown as '5' } },
      [
        { path: 'input.prompt', keyword: 'maxLength' },
        { path: 'input.cfg_scale', keyword: 'maximum' },
        { path: 'input.duration', keyword: 'enum' },
      ],
    ],
  ];

  it.each(cases)('rejects %s with KlingInputError and sends nothing', async (_title, params, expected) => {
    const fake = scripted(ok({ taskId: TASK_ID }));
    const error = await rejection(client(fake).createTask(params));

    expect(error).toBeInstanceOf(KlingInputError);
    expect(error).toBeInstanceOf(KlingError);
    const { issues, message } = error as KlingInputError;
    for (const issue of expected) {
      expect(issues).toContainEqual(expect.objectContaining(issue));
      expect(message).toContain(issue.path);
    }
    for (const issue of issues) {
      expect(typeof issue.message).toBe('string');
    }
    expect(fake.calls).toHaveLength(0);
  });

  it.each([0, 0.1, 0.3, 0.5, 0.7, 0.9, 1])('accepts cfg_scale %d', async (cfg_scale) => {
    const fake = scripted(ok({ taskId: TASK_ID }));
    await expect(client(fake).createTask({ input: { ...INPUT, cfg_scale } })).resolves.toMatchObject({
      taskId: TASK_ID,
    });
  });

  it('sends a model it has no definition for as it is, for kie.ai to judge', async () => {
    const fake = scripted(ok({ taskId: TASK_ID }));
    // Plain JavaScript, or a model newer than this version of the kit: the types would refuse it.
    const params = { input: INPUT, model: 'kling/v2-1-master' } as unknown as CreateTaskParams;
    const handle = await client(fake).createTask(params);
    expect(fake.calls).toHaveLength(1);
    expect(await fake.calls[0]?.request.json()).toEqual({ model: 'kling/v2-1-master', input: INPUT });
    expect(handle.model).toBe('kling/v2-1-master');
  });

  it('accepts an empty tail_image_url, a 5000-character prompt and duration "10"', async () => {
    const fake = scripted(ok({ taskId: TASK_ID }));
    const input = {
      ...INPUT,
      prompt: 'x'.repeat(5000),
      tail_image_url: '' as const,
      duration: '10' as const,
    };
    await expect(client(fake).createTask({ input })).resolves.toMatchObject({ taskId: TASK_ID });
  });
});

describe('createTask: the request and the handle', () => {
  it('defaults model to kling/v2-1-pro and sends exactly the body', async () => {
    const fake = scripted(ok({ taskId: TASK_ID }));
    await client(fake).createTask({ input: INPUT });

    const [call] = fake.calls;
    expect(call?.method).toBe('POST');
    expect(call?.url.href).toBe(`${BASE_URL}/api/v1/jobs/createTask`);
    expect(call?.request.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(call?.request.headers.get('content-type')).toBe('application/json');
    expect(await call?.request.text()).toBe(JSON.stringify({ model: 'kling/v2-1-pro', input: INPUT }));
  });

  it('sends every input field and the callBackUrl', async () => {
    const fake = scripted(ok({ taskId: TASK_ID }));
    const input = {
      ...INPUT,
      duration: '10' as const,
      negative_prompt: 'blur',
      cfg_scale: 0.7,
      tail_image_url: 'https://file.example.com/last.png',
    };
    await client(fake).createTask({
      input,
      callBackUrl: CALLBACK_URL,
      model: 'kling/v2-1-pro',
    });
    expect(await fake.calls[0]?.request.json()).toEqual({
      model: 'kling/v2-1-pro',
      callBackUrl: CALLBACK_URL,
      input,
    });
  });

  it('returns a handle that survives JSON and works with waitForTask', async () => {
    const fake = fakeFetch((request) =>
      request.method === 'POST' ? ok({ taskId: TASK_ID }) : ok(recordIn('success')),
    );
    const kling = client(fake);
    const before = Date.now();
    const handle = await kling.createTask({ input: INPUT, callBackUrl: CALLBACK_URL });
    const after = Date.now();

    expect(handle).toEqual({
      taskId: TASK_ID,
      model: 'kling/v2-1-pro',
      createdAt: expect.any(Number),
      callBackUrl: CALLBACK_URL,
    });
    expect(handle.createdAt).toBeGreaterThanOrEqual(before);
    expect(handle.createdAt).toBeLessThanOrEqual(after);

    const restored = JSON.parse(JSON.stringify(handle)) as TaskHandle;
    expect(restored).toEqual(handle);
    const task = await kling.waitForTask(restored, { pollDelay: () => 10 });
    expect(task).toMatchObject({ taskId: TASK_ID, state: 'success' });
    expect(fake.calls[1]?.url.searchParams.get('taskId')).toBe(TASK_ID);
  });

  it('leaves callBackUrl out of the body and the handle when not given', async () => {
    const fake = scripted(ok({ taskId: TASK_ID }));
    const handle = await client(fake).createTask({ input: INPUT });
    expect(handle).not.toHaveProperty('callBackUrl');
    expect(Object.keys(handle).sort()).toEqual(['createdAt', 'model', 'taskId']);
    expect(await fake.calls[0]?.request.json()).not.toHaveProperty('callBackUrl');
  });

  it('generate() creates then waits', async () => {
    const fake = fakeFetch((request) =>
      request.method === 'POST' ? ok({ taskId: TASK_ID }) : ok(recordIn('success')),
    );
    const task = await client(fake).generate({ input: INPUT }, { pollDelay: () => 10 });
    expect(task.resultUrls).toEqual(['https://tempfile.example.com/video.mp4']);
    expect(fake.calls.map((call) => call.method)).toEqual(['POST', 'GET']);
  });

  // createTask checks that a success envelope's `data` holds a taskId: `{ data: null }` or
  // `{ data: {} }` rejects with a KlingResponseError ("code 200 without the expected data"), as every
  // error is a KlingError, rather than a raw TypeError or a handle with `taskId: undefined`.
  it('rejects a success envelope without data.taskId with a KlingError', async () => {
    for (const data of [null, {}]) {
      const error = await rejection(client(scripted(ok(data))).createTask({ input: INPUT }));
      expect(error).toBeInstanceOf(KlingError);
    }
  });
});

describe('getTask: decoding the record', () => {
  it('queries recordInfo with the taskId', async () => {
    const fake = scripted(ok(record()));
    await client(fake).getTask('id with spaces&more');
    const [call] = fake.calls;
    expect(call?.method).toBe('GET');
    expect(`${call?.url.origin}${call?.url.pathname}`).toBe(`${BASE_URL}/api/v1/jobs/recordInfo`);
    expect(call?.url.searchParams.get('taskId')).toBe('id with spaces&more');
    expect(call?.request.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
  });

  it('decodes a success record', async () => {
    const raw = recordIn('success', { createTime: 1_755_599_634_000, completeTime: 1_755_599_644_000 });
    const task = await client(scripted(ok(raw))).getTask(TASK_ID);
    expect(task).toEqual({
      taskId: TASK_ID,
      model: 'kling/v2-1-pro',
      state: 'success',
      param: PARAM,
      resultUrls: ['https://tempfile.example.com/video.mp4'],
      failCode: null,
      failMsg: null,
      costTimeMs: 15_000,
      createTime: 1_755_599_634_000,
      completeTime: 1_755_599_644_000,
      updateTime: raw.updateTime,
      raw,
    });
  });

  it('decodes a pending record', async () => {
    const raw = recordIn('generating');
    const task = await client(scripted(ok(raw))).getTask(TASK_ID);
    expect(task).toMatchObject({
      state: 'generating',
      resultUrls: [],
      failCode: null,
      failMsg: null,
      costTimeMs: null,
      completeTime: null,
    });
  });

  it.each([
    ['a string', '500', '500'],
    ['an integer', 500, '500'],
    ['zero', 0, '0'],
    ['null', null, null],
    ['an empty string', '', null],
    ['absent', undefined, null],
  ])('normalises a failCode that is %s', async (_title, failCode, expected) => {
    const raw = recordIn('fail', { failCode });
    if (failCode === undefined) {
      delete raw.failCode;
    }
    const task = await client(scripted(ok(raw))).getTask(TASK_ID);
    expect(task.failCode).toBe(expected);
    expect(task.failMsg).toBe('Internal server error');
    expect(task.resultUrls).toEqual([]);
  });

  it('keeps failCode and failMsg null unless the task failed', () => {
    const task = decodeTask(recordIn('success', { failCode: 500, failMsg: 'stale' }));
    expect(task.failCode).toBeNull();
    expect(task.failMsg).toBeNull();
  });

  it('ignores a resultJson that a pending record already carries', () => {
    const resultJson = JSON.stringify({ resultUrls: ['https://example.com/early.mp4'] });
    expect(decodeTask(recordIn('waiting', { resultJson })).resultUrls).toEqual([]);
  });

  it.each([
    ['invalid JSON', '{not json'],
    ['an empty string', ''],
    ['null', null],
    ['no resultUrls', '{"resultObject":{}}'],
    ['a non-array resultUrls', '{"resultUrls":"https://example.com/a.mp4"}'],
    ['JSON null', 'null'],
  ])('gives empty resultUrls for a success resultJson that is %s', (_title, resultJson) => {
    expect(decodeTask(recordIn('success', { resultJson })).resultUrls).toEqual([]);
  });

  it('keeps only the string result URLs', () => {
    const resultJson = JSON.stringify({
      resultUrls: ['https://example.com/a.mp4', 3, null, 'https://example.com/b.mp4'],
    });
    expect(decodeTask(recordIn('success', { resultJson })).resultUrls).toEqual([
      'https://example.com/a.mp4',
      'https://example.com/b.mp4',
    ]);
  });

  it.each([
    ['invalid JSON', '{"model":'],
    ['an empty string', ''],
  ])('decodes a param that is %s as null without throwing', async (_title, param) => {
    const raw = recordIn('success', { param });
    const task = await client(scripted(ok(raw))).getTask(TASK_ID);
    expect(task.param).toBeNull();
    expect(task.raw.param).toBe(param);
    expect(task.resultUrls).toHaveLength(1);
  });

  it('keeps the raw record, extra fields included', async () => {
    const raw = { ...recordIn('success'), creditsConsumed: 50, progress: 100 } as TaskRecord;
    const task = await client(scripted(ok(raw))).getTask(TASK_ID);
    expect(task.raw).toEqual(raw);
  });

  it('gives null for absent optional times', () => {
    const raw = recordIn('waiting');
    delete raw.updateTime;
    delete raw.completeTime;
    delete raw.costTime;
    expect(decodeTask(raw)).toMatchObject({ updateTime: null, completeTime: null, costTimeMs: null });
  });

  // getTask checks that a success envelope's `data` is a record (it has a state) before decodeTask
  // reads it: `{ code: 200, data: null }` rejects with a KlingResponseError, not a raw TypeError.
  it('rejects a success envelope without a record with a KlingError', async () => {
    const error = await rejection(client(scripted(ok(null)), { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toBeInstanceOf(KlingError);
  });
});
