/**
 * The whole Kling family on a real mock (fast timing, loopback only): each model's documented
 * example, and a few variants of length, frame shape, sound and resolution, created, run to success,
 * charged exactly their catalog price, called back with the same figures, and answered with a real
 * MP4 of the requested length, aspect ratio and sound. Then the deprecated aliases, unknown models,
 * and 402 when the balance cannot cover an expensive model.
 */
import {
  type AnyCreateTaskRequest,
  estimateCredits,
  findModel,
  hasAudio,
  type ModelFacts,
  models,
  UNKNOWN_MODEL_MESSAGE,
  validateSchema,
  videoSecondsOf,
} from '@kling-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCallback } from '../src/drift/answer-check';
import type { RunningMockServer } from '../src/index';
import { accountIdOf } from '../src/state/accounts';
import { MockCaller, startTestMock } from './helpers';
import { probeMp4 } from './mp4-probe';
import { type Receiver, startReceiver } from './receiver';

type AspectRatio = '16:9' | '9:16' | '1:1';
type Request = { model: string; callBackUrl?: string; input: Record<string, unknown> };

interface FamilyCase {
  label: string;
  request: Request;
  /** The result video the request must give. */
  video: { seconds: number; aspectRatio: AspectRatio; audio: boolean };
  /** The price, when the case pins it (else the catalog's estimate is the only reference). */
  credits?: number;
}

const WIDTH_OVER_HEIGHT: Record<AspectRatio, number> = { '16:9': 16 / 9, '9:16': 9 / 16, '1:1': 1 };

/** A model's documented example without its third-party callBackUrl. */
function exampleOf(facts: ModelFacts): Request {
  const { callBackUrl: _thirdParty, ...request } = structuredClone(facts.example) as Request;
  return request;
}

/** The frame shape a request asks for: its aspect_ratio (or the model's default) when one of the three. */
function aspectRatioAsked(facts: ModelFacts, input: Record<string, unknown>): AspectRatio {
  const value = 'aspect_ratio' in input ? input.aspect_ratio : facts.defaults.aspect_ratio;
  return value === '9:16' || value === '1:1' || value === '16:9' ? value : '16:9';
}

const facts = (id: string): ModelFacts => {
  const found = findModel(id);
  if (!found) {
    throw new Error(`no model ${id} in the catalog`);
  }
  return found;
};

/** Each model's example, with the video derived from the request. */
const EXAMPLES: FamilyCase[] = models.map((model) => {
  const request = exampleOf(model);
  return {
    label: `${model.id} (example)`,
    request,
    video: {
      seconds: videoSecondsOf(model, request.input),
      aspectRatio: aspectRatioAsked(model, request.input),
      audio: hasAudio(model, request.input),
    },
  };
});

/** Variants whose video and price are written out, not derived. */
const VARIANTS: FamilyCase[] = [
  {
    label: 'kling/v2-1-pro 10 s',
    request: {
      ...exampleOf(facts('kling/v2-1-pro')),
      input: { prompt: 'A boat', image_url: 'https://example.com/a.png', duration: '10' },
    },
    video: { seconds: 10, aspectRatio: '16:9', audio: false },
    credits: 100,
  },
  {
    label: 'kling-3.0/video 15 s 9:16 std, silent',
    request: {
      model: 'kling-3.0/video',
      input: {
        prompt: 'A rainy night in a neon city',
        sound: false,
        duration: '15',
        aspect_ratio: '9:16',
        mode: 'std',
      },
    },
    video: { seconds: 15, aspectRatio: '9:16', audio: false },
    credits: 14 * 15,
  },
  {
    label: 'kling-2.6/text-to-video 10 s 16:9 with sound',
    request: {
      model: 'kling-2.6/text-to-video',
      input: { prompt: 'A dragon types on a laptop', sound: true, aspect_ratio: '16:9', duration: '10' },
    },
    video: { seconds: 10, aspectRatio: '16:9', audio: true },
    credits: 220,
  },
  {
    label: 'kling-3.0-omni/text-to-video 3 s 1:1 silent',
    request: {
      model: 'kling-3.0-omni/text-to-video',
      input: {
        prompt: 'A lighthouse in a storm',
        aspect_ratio: '1:1',
        audio: false,
        customize_multi_shots: false,
        duration: 3,
      },
    },
    video: { seconds: 3, aspectRatio: '1:1', audio: false },
    credits: 14 * 3,
  },
  {
    label: 'kling/v3-turbo-text-to-video 7 s 1080p 9:16 (fractional price)',
    request: {
      model: 'kling/v3-turbo-text-to-video',
      input: { prompt: 'A red fox in fresh snow', aspect_ratio: '9:16', duration: '7', resolution: '1080p' },
    },
    video: { seconds: 7, aspectRatio: '9:16', audio: false },
    credits: 157.5,
  },
  {
    label: 'kling/v2-1-master-text-to-video without aspect_ratio (the default, 16:9)',
    request: { model: 'kling/v2-1-master-text-to-video', input: { prompt: 'A hummingbird in the rain' } },
    video: { seconds: 5, aspectRatio: '16:9', audio: false },
    credits: 160,
  },
  {
    label: 'kling/v2-5-turbo-text-to-video-pro 9:16',
    request: {
      model: 'kling/v2-5-turbo-text-to-video-pro',
      input: { prompt: 'A kitten knight', aspect_ratio: '9:16', duration: '5' },
    },
    video: { seconds: 5, aspectRatio: '9:16', audio: false },
    credits: 42,
  },
];

const CASES = [...EXAMPLES, ...VARIANTS];

interface Run {
  kie: MockCaller;
  sent: Request;
  taskId: string;
  before: number;
}

let mock: RunningMockServer;
let receiver: Receiver;
const runs = new Map<string, Run>();

/** Polls recordInfo until the task is final (fast timing: within about 3 s). */
async function untilFinal(kie: MockCaller, taskId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const data = (await kie.record(taskId)).body.data as Record<string, unknown>;
    if (data.state === 'success' || data.state === 'fail') {
      return data;
    }
    if (Date.now() > deadline) {
      throw new Error(`task ${taskId} still ${String(data.state)} after 15 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

beforeAll(async () => {
  mock = await startTestMock({ rateLimit: false });
  receiver = await startReceiver();
  // Every case on its own account, so each balance moves by that task's price only.
  await Promise.all(
    CASES.map(async (familyCase, index) => {
      const kie = new MockCaller(mock, `family-key-${index}`);
      const before = (await kie.credits()).body.data as number;
      const sent = { ...familyCase.request, callBackUrl: receiver.url };
      const taskId = await kie.newTask(sent);
      runs.set(familyCase.label, { kie, sent, taskId, before });
    }),
  );
  await Promise.all([...runs.values()].map((run) => untilFinal(run.kie, run.taskId)));
  await receiver.waitFor(CASES.length, 10_000);
}, 60_000);

afterAll(async () => {
  await mock?.close();
  await receiver?.close();
});

describe('every Kling model, end to end', () => {
  it('covers the 19 models of the catalog', () => {
    expect(new Set(EXAMPLES.map((familyCase) => familyCase.request.model)).size).toBe(19);
  });

  it.each(CASES.map((familyCase) => [familyCase.label, familyCase] as const))(
    '%s: succeeds, carries its param, charges its price and serves its video',
    async (label, familyCase) => {
      const run = runs.get(label) as Run;
      const price = estimateCredits(run.sent);
      if (familyCase.credits !== undefined) {
        expect(price, 'the catalog price').toBe(familyCase.credits);
      }

      // The record: the model and request as sent, the charge.
      const record = (await run.kie.record(run.taskId)).body.data as Record<string, unknown>;
      expect(record).toMatchObject({ taskId: run.taskId, model: run.sent.model, state: 'success' });
      expect(record.param).toBe(JSON.stringify(run.sent));
      expect(validateSchema('TaskParam', JSON.parse(record.param as string)).ok).toBe(true);
      expect(record.creditsConsumed).toBe(price);

      // The balance dropped by exactly the price.
      const after = (await run.kie.credits()).body.data as number;
      expect(run.before - after).toBeCloseTo(price, 9);
      expect(after).toBe(Number((run.before - price).toFixed(6)));

      // The callback: same record, consumeCredits = the charge, remainedCredits = the balance.
      const delivered = receiver.received
        .map((callback) => JSON.parse(callback.body) as { code: number; data: Record<string, unknown> })
        .filter((payload) => payload.data.taskId === run.taskId);
      expect(delivered).toHaveLength(1);
      const payload = delivered[0] as { code: number; data: Record<string, unknown> };
      expect(payload.code).toBe(200);
      expect(payload.data).toMatchObject({
        model: run.sent.model,
        param: record.param,
        creditsConsumed: price,
        consumeCredits: price,
        remainedCredits: after,
      });
      // What --validate checks of a real callback finds nothing wrong.
      expect(checkCallback(payload)).toEqual([]);

      // The admin view.
      const view = mock.admin.task(run.taskId);
      expect(view).toMatchObject({
        model: run.sent.model,
        video: familyCase.video,
        price,
        creditsCharged: price,
      });

      // The result: a real MP4 of the requested length, frame shape and sound.
      const [url] = (JSON.parse(record.resultJson as string) as { resultUrls: string[] }).resultUrls;
      const response = await fetch(url as string);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('video/mp4');
      const mp4 = probeMp4(Buffer.from(await response.arrayBuffer()));
      expect(mp4.seconds).toBeCloseTo(familyCase.video.seconds, 1);
      const video = mp4.tracks.filter((track) => track.handler === 'vide');
      expect(video).toHaveLength(1);
      const { width, height } = video[0] as { width: number; height: number };
      expect(width / height).toBeCloseTo(WIDTH_OVER_HEIGHT[familyCase.video.aspectRatio], 2);
      expect(mp4.tracks.some((track) => track.handler === 'soun')).toBe(familyCase.video.audio);
    },
  );
});

describe('model ids', () => {
  it('accepts the deprecated avatar aliases, keeping the id as sent in the record and its param', async () => {
    const kie = new MockCaller(mock, 'alias-key');
    for (const [alias, price] of [
      ['kling/v1-avatar-standard', 8],
      ['kling/ai-avatar-v1-pro', 16],
    ] as const) {
      const current = findModel(alias) as ModelFacts;
      expect(current.aliases).toContain(alias);
      const before = (await kie.credits()).body.data as number;
      const sent = { ...exampleOf(current), model: alias };
      const taskId = await kie.newTask(sent);
      mock.admin.forceState(taskId, 'success');
      const record = (await kie.record(taskId)).body.data as Record<string, unknown>;
      expect(record).toMatchObject({ model: alias, state: 'success', creditsConsumed: price });
      expect(JSON.parse(record.param as string)).toEqual(sent);
      expect((await kie.credits()).body.data).toBe(before - price);
      expect(mock.admin.task(taskId)).toMatchObject({
        model: alias,
        video: { seconds: 5, aspectRatio: '16:9', audio: true },
      });
      // An alias is validated as its current model.
      const broken = await kie.createTask({ model: alias, input: { ...sent.input, audio_url: 'not a url' } });
      expect(broken.body).toMatchObject({ code: 422, data: null });
      expect(broken.body.msg).toMatch(/^input\.audio_url: /);
    }
  });

  it("answers a model kie.ai does not serve with kie.ai's own text, code 422 in an HTTP 200", async () => {
    const kie = new MockCaller(mock, 'unknown-key');
    const input = exampleOf(facts('kling/v2-1-pro')).input;
    for (const model of [
      'kling-3.0', // an old page copy's id
      'kling/v2-1-PRO',
      'kling/v1-6-pro',
      ' kling/v2-1-pro',
      'constructor',
      'toString',
      '__proto__',
      'hasOwnProperty',
    ]) {
      const answer = await kie.createTask({ model, input });
      expect([answer.status, answer.body], model).toEqual([
        200,
        { code: 422, msg: UNKNOWN_MODEL_MESSAGE, data: null },
      ]);
    }
    expect(mock.admin.tasks({ accountId: accountIdOf('unknown-key') })).toEqual([]);
  });
});

describe('credits across the family', () => {
  const EXPENSIVE = {
    model: 'kling-3.0/video',
    input: { prompt: 'A dancer spins', sound: true, duration: '15', aspect_ratio: '16:9', mode: '4K' },
  } satisfies AnyCreateTaskRequest;
  const CHEAP = exampleOf(facts('kling/ai-avatar-standard'));
  const FRACTIONAL = {
    model: 'kling/v3-turbo-image-to-video',
    input: {
      prompt: 'A girl smiles',
      image_urls: ['https://example.com/a.png'],
      duration: '15',
      resolution: '1080p',
    },
  } satisfies AnyCreateTaskRequest;

  it('answers 402 when the balance cannot cover an expensive model, while a cheap one passes', async () => {
    const kie = new MockCaller(mock, 'short-of-credits');
    mock.admin.setCredits({ apiKey: 'short-of-credits' }, 1000);
    expect(estimateCredits(EXPENSIVE)).toBe(1005);
    const refused = await kie.createTask(EXPENSIVE);
    expect([refused.status, refused.body]).toEqual([
      200,
      {
        code: 402,
        msg: 'Credits insufficient: this task needs 1005 credits and the available balance is 1000',
        data: null,
      },
    ]);
    const cheap = await kie.newTask(CHEAP);
    // The running cheap task holds its price: 992 are available, a fractional price says so.
    mock.admin.setCredits({ apiKey: 'short-of-credits' }, 300);
    const fractional = await kie.createTask(FRACTIONAL);
    expect(fractional.body).toMatchObject({
      code: 402,
      msg: 'Credits insufficient: this task needs 337.5 credits and the available balance is 292',
    });
    mock.admin.forceState(cheap, 'success');
    expect((await kie.credits()).body.data).toBe(292);
    mock.admin.setCredits({ apiKey: 'short-of-credits' }, 1005);
    expect((await kie.createTask(EXPENSIVE)).body.code).toBe(200);
  });

  it('keeps fractional balances exact: charges, the credit endpoint and the admin API', async () => {
    const kie = new MockCaller(mock, 'fractional-key');
    const set = await fetch(`${mock.url}/__admin/credits`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: 'fractional-key', credits: 1000.1 }),
    }).then((response) => response.json() as Promise<{ data: { accountId: string; credits: number } }>);
    expect(set.data.credits).toBe(1000.1);
    const taskId = await kie.newTask(FRACTIONAL);
    mock.admin.forceState(taskId, 'success');
    expect((await kie.credits()).body).toEqual({ code: 200, msg: 'success', data: 662.6 });
    const accounts = await fetch(`${mock.url}/__admin/accounts`).then(
      (response) =>
        response.json() as Promise<{ data: { accountId: string; credits: number; reserved: number }[] }>,
    );
    expect(accounts.data.find((account) => account.accountId === set.data.accountId)).toEqual({
      accountId: set.data.accountId,
      credits: 662.6,
      reserved: 0,
    });
    expect((await kie.record(taskId)).body.data?.creditsConsumed).toBe(337.5);
  });
});
