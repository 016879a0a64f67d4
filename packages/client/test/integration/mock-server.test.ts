import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spec } from '@kling-kit/contract';
import { type RunningMockServer, startMockServer } from '@kling-kit/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CreateOutcomeUnknownError,
  createKlingClient,
  InsufficientCreditsError,
  type KlingClient,
  TaskFailedError,
  ValidationError,
  WaitTimeoutError,
} from '../../src/index';
import { verifyCallback } from '../../src/webhooks';

/** The seed's example input, as the spec carries it. */
const SEED_INPUT =
  spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed.value
    .input;
const HMAC_KEY = 'integration-hmac-key';

let mock: RunningMockServer;
let kling: KlingClient;
const fastPolls = { pollDelay: () => 150 };

/** Where the mock delivers callbacks: a listener on 127.0.0.1 (no test traffic leaves loopback). */
interface Receiver {
  url: string;
  received: { path: string; body: string; headers: Record<string, string | string[] | undefined> }[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body, headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/kie`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const isLoopback = (url: string) => /^(127(\.\d{1,3}){3}|\[::1\])$/.test(new URL(url).hostname);
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  mock = await startMockServer({
    port: 0,
    timing: 'fast',
    hmacKey: HMAC_KEY,
    seed: 'client-integration',
    loopbackOnly: true,
  });
  kling = createKlingClient({ apiKey: 'integration-key', baseUrl: mock.url, uploadBaseUrl: mock.url });
});
afterEach(async () => {
  mock.admin.clearFaults();
  // Every callback the mock tried to deliver went to loopback: a test that gives the mock a public
  // callBackUrl fails here, with the delivery that would have left the machine.
  await mock.admin.settleCallbacks();
  expect(mock.admin.deliveries().filter((delivery) => !isLoopback(delivery.url))).toEqual([]);
});
afterAll(async () => {
  await mock.close();
  await receiver.close();
});

describe('the client against the mock server', () => {
  it('generates the seed example end to end, within a few polls', async () => {
    const states: string[] = [];
    const before = await kling.getCredits();
    const task = await kling.generate(
      { input: SEED_INPUT, callBackUrl: receiver.url },
      { onProgress: (current) => states.push(current.state) },
    );
    expect(task.state).toBe('success');
    expect(states.at(-1)).toBe('success');
    expect(task.param).toEqual({
      model: 'kling/v2-1-pro',
      callBackUrl: receiver.url,
      input: SEED_INPUT,
    });
    await mock.admin.settleCallbacks();
    expect(receiver.received.map((delivery) => JSON.parse(delivery.body).data.taskId)).toContain(task.taskId);
    expect(task.resultUrls).toHaveLength(1);
    const video = await fetch(task.resultUrls[0] as string);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(await kling.getCredits()).toBe(before - 50);
    const link = await kling.getDownloadUrl(task.resultUrls[0] as string);
    expect((await fetch(link)).status).toBe(200);
  });

  it('rejects with TaskFailedError when the task fails', async () => {
    const handle = await kling.createTask({ input: SEED_INPUT });
    mock.admin.setOutcome(handle.taskId, 'fail', { failCode: 500, failMsg: 'Internal server error' });
    const error = await kling.waitForTask(handle, fastPolls).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ taskId: handle.taskId, failCode: '500', failMsg: 'Internal server error' });
  });

  it('gives up at the deadline with WaitTimeoutError while the task keeps running', async () => {
    const handle = await kling.createTask({ input: SEED_INPUT });
    mock.admin.forceState(handle.taskId, 'generating');
    // Real HTTP on the wall clock, so no bound on how long this takes: the error carries the 600 ms
    // deadline that ended it (test/unit/wait.test.ts pins the deadline to the millisecond).
    const error = await kling
      .waitForTask(handle, { timeoutMs: 600, ...fastPolls })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ taskId: handle.taskId, timeoutMs: 600, lastState: 'generating' });
    expect((await kling.getTask(handle.taskId)).state).toBe('generating');
    mock.admin.resume(handle.taskId);
    expect((await kling.waitForTask(handle)).state).toBe('success');
  });

  it('resumes a wait from a serialised handle, in another client', async () => {
    const handle = await kling.createTask({ input: SEED_INPUT });
    const stored = JSON.stringify(handle);
    const other = createKlingClient({ apiKey: 'integration-key', baseUrl: mock.url });
    const task = await other.waitForTask(JSON.parse(stored));
    expect(task.taskId).toBe(handle.taskId);
  });

  it('receives, verifies and confirms a signed callback on a local listener', async () => {
    const listener = await startReceiver();
    try {
      const task = await kling.generate({ input: SEED_INPUT, callBackUrl: listener.url });
      await mock.admin.settleCallbacks();
      expect(listener.received).toHaveLength(1);
      const [delivery] = listener.received;
      const callback = await verifyCallback({
        body: delivery?.body ?? '',
        headers: delivery?.headers ?? {},
        secret: HMAC_KEY,
      });
      expect(callback.task).toMatchObject({
        taskId: task.taskId,
        state: 'success',
        resultUrls: task.resultUrls,
      });
      expect(callback.data.consumeCredits).toBe(50);
      expect((await kling.confirmCallback(callback)).state).toBe('success');
      await expect(
        verifyCallback({ body: delivery?.body ?? '', headers: delivery?.headers ?? {}, secret: 'wrong' }),
      ).rejects.toMatchObject({ reason: 'bad-signature' });
    } finally {
      await listener.close();
    }
  });

  it('rides out rate limits and server errors injected during a wait', async () => {
    const handle = await kling.createTask({ input: SEED_INPUT });
    mock.admin.addFault({
      operation: 'getTaskRecord',
      taskId: handle.taskId,
      times: 2,
      code: 429,
      retryAfterSec: 0,
    });
    mock.admin.addFault({ operation: 'getTaskRecord', taskId: handle.taskId, after: 3, times: 1, code: 500 });
    const task = await kling.waitForTask(handle, fastPolls);
    expect(task.state).toBe('success');
    expect(mock.admin.faults()).toHaveLength(0);
  });

  it('never creates a paid task twice: retries a 429, refuses to retry a 500 or a dropped connection', async () => {
    const before = mock.admin.tasks().length;
    mock.admin.addFault({ operation: 'createTask', code: 429, retryAfterSec: 0 });
    await kling.createTask({ input: SEED_INPUT });
    expect(mock.admin.tasks().length).toBe(before + 1);

    mock.admin.addFault({ operation: 'createTask', code: 500, times: 3 });
    await expect(kling.createTask({ input: SEED_INPUT })).rejects.toBeInstanceOf(CreateOutcomeUnknownError);
    expect(mock.admin.faults()[0]?.applied).toBe(1);

    mock.admin.clearFaults();
    mock.admin.addFault({ operation: 'createTask', drop: true });
    await expect(kling.createTask({ input: SEED_INPUT })).rejects.toBeInstanceOf(CreateOutcomeUnknownError);
    expect(mock.admin.tasks().length).toBe(before + 1);
  });

  it('maps the mock’s envelope errors to classes, with HTTP 200 and with mirrored statuses', async () => {
    for (const mirror of [false, true]) {
      mock.admin.configure({ httpStatusMirror: mirror });
      const stranger = createKlingClient({ apiKey: 'poor-key', baseUrl: mock.url });
      mock.admin.setCredits({ apiKey: 'poor-key' }, 10);
      const poor = await stranger.createTask({ input: SEED_INPUT }).catch((caught: unknown) => caught);
      expect(poor).toBeInstanceOf(InsufficientCreditsError);
      expect(poor).toMatchObject({ code: 402, status: mirror ? 402 : 200 });
      const unknown = await kling.getTask('0'.repeat(32)).catch((caught: unknown) => caught);
      expect(unknown).toMatchObject({ code: 422, msg: 'recordInfo is null' });
      expect(unknown).toBeInstanceOf(ValidationError);
    }
    mock.admin.configure({ httpStatusMirror: false });
    const restricted = await startMockServer({ port: 0, apiKeys: ['only-this'], loopbackOnly: true });
    try {
      const wrong = createKlingClient({ apiKey: 'not-this', baseUrl: restricted.url });
      await expect(wrong.getCredits()).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      await restricted.close();
    }
  });

  it('uploads bytes, data URLs and loopback URLs, and the result works as image_url', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const small = await kling.uploadFile(new Uint8Array(png), {
      mimeType: 'image/png',
      fileName: 'frame.png',
    });
    expect(small).toMatchObject({ fileName: 'frame.png', mimeType: 'image/png', fileSize: png.length });
    const large = await kling.uploadFile(
      new Blob([png, new Uint8Array(2 * 1024 * 1024)], { type: 'image/png' }),
      {
        uploadPath: 'big',
      },
    );
    expect(large.filePath).toMatch(/^big\//);
    const fromUrl = await kling.uploadFile(small.downloadUrl, { uploadPath: 'copies' });
    expect(fromUrl.fileSize).toBe(png.length);
    const task = await kling.generate({ input: { ...SEED_INPUT, image_url: small.downloadUrl } });
    expect(task.param?.input.image_url).toBe(small.downloadUrl);
  });
});
