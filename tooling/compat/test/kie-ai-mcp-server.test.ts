/**
 * `@felores/kie-ai-mcp-server` 5.0.0, unmodified, over MCP stdio with the client of the SDK it is
 * built on (v2: `@modelcontextprotocol/client`), configured only through its documented environment
 * variables and pointed at kling-mock (through the recording proxy).
 *
 * Not the v1 `@modelcontextprotocol/sdk` client: its `callTool` validates the `structuredContent` of
 * error results against the tool's output schema, so this server's error answers (`isError`, with
 * `{success, tool, error}`) throw -32602 there and the caller never sees kie.ai's message.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { estimateCredits, spec, type TaskState, validateCallbackPayload } from '@kling-kit/contract';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, type CompatEnv, PUBLIC_URL, startCompatEnv } from './support/compat-env';
import { allSpecProblems } from './support/spec-check';

const require = createRequire(import.meta.url);
const serverEntry = join(
  dirname(require.resolve('@felores/kie-ai-mcp-server/package.json')),
  'dist/index.js',
);

/** A 1×1 PNG: the server checks the bytes before it uploads them. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

let env: CompatEnv;
let client: Client;
let serverLog = '';

beforeAll(async () => {
  env = await startCompatEnv();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [serverEntry],
    // process.env carries NODE_OPTIONS with the loopback guard, so the server is confined too.
    env: {
      ...(process.env as Record<string, string>),
      KIE_AI_API_KEY: API_KEY,
      KIE_AI_BASE_URL: `${env.proxy.url}/api/v1`,
      KIE_AI_FILE_UPLOAD_BASE_URL: env.proxy.url,
      KIE_AI_CALLBACK_URL: env.callbackUrl,
      KIE_AI_DB_PATH: join(env.dir, 'tasks.db'),
      KIE_AI_ALLOW_DIRECT_GENERATION: 'true',
    },
    stderr: 'pipe',
    cwd: env.dir,
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    serverLog += chunk.toString('utf8');
  });
  client = new Client({ name: 'kling-kit-compat', version: '0.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  await env?.close();
});

/** Calls a tool and decodes the JSON text it answers with. */
async function callTool(name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  const text = content.map((part) => part.text).join('\n');
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { isError: result.isError === true, text, json };
}

/** Creates the spec's seed task directly on the mock (the server has no Kling v2.1 Pro tool). */
async function createSeedTask(): Promise<string> {
  const seed =
    spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed.value;
  const answer = await fetch(`${env.mock.url}/api/v1/jobs/createTask`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...seed, callBackUrl: env.callbackUrl }),
  });
  const body = (await answer.json()) as { code: number; data: { taskId: string } };
  expect(body.code).toBe(200);
  return body.data.taskId;
}

describe('@felores/kie-ai-mcp-server against kling-mock', () => {
  it('lists its tools, the task, upload and Kling tools among them', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['get_task_status', 'upload_file', 'kling_video']));
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(['waiting', 'generating'] satisfies TaskState[])(
    'get_task_status reports a task held in %s',
    async (state) => {
      const taskId = await createSeedTask();
      env.mock.admin.forceState(taskId, state);
      const { isError, json } = await callTool('get_task_status', { task_id: taskId });
      expect(isError).toBe(false);
      expect(json).toMatchObject({ success: true, task_id: taskId, status: state, result_urls: [] });
    },
  );

  it('get_task_status returns the result URL of a finished task', async () => {
    const taskId = await createSeedTask();
    const { record } = env.mock.admin.forceState(taskId, 'success');
    const resultUrl = (JSON.parse(record.resultJson ?? '') as { resultUrls: string[] }).resultUrls[0];
    expect(resultUrl).toMatch(new RegExp(`^${PUBLIC_URL}/`));
    const { isError, json } = await callTool('get_task_status', { task_id: taskId });
    expect(isError).toBe(false);
    expect(json).toMatchObject({ status: 'success', result_urls: [resultUrl] });
    // Its own creditsConsumed comes from its task table, which has no row for a task it did not create.
    expect(json?.api_response).toMatchObject({ data: { creditsConsumed: record.creditsConsumed } });
  });

  it('get_task_status returns the fail message of a failed task', async () => {
    const taskId = await createSeedTask();
    const failMsg = 'Content moderation: the image was rejected';
    env.mock.admin.forceState(taskId, 'fail', { failCode: '501', failMsg });
    const { isError, json } = await callTool('get_task_status', { task_id: taskId });
    expect(isError).toBe(false);
    expect(json).toMatchObject({ status: 'fail', error: failMsg, result_urls: [] });
  });

  it('upload_file sends base64 data to the upload server and returns the download URL', async () => {
    const { isError, json, text } = await callTool('upload_file', {
      file_base64: `data:image/png;base64,${PNG_BASE64}`,
      file_name: 'pixel.png',
    });
    expect(isError, text).toBe(false);
    expect(json).toMatchObject({ success: true, file_name: 'pixel.png', mime_type: 'image/png' });
    const downloadUrl = new URL(String(json?.download_url));
    expect(downloadUrl.origin).toBe(PUBLIC_URL);
    const upload = env.proxy.exchanges.find((exchange) => exchange.path === '/api/file-base64-upload');
    expect(JSON.parse(upload?.requestBody ?? '{}')).toMatchObject({
      base64Data: `data:image/png;base64,${PNG_BASE64}`,
      uploadPath: 'images/user-uploads',
      fileName: 'pixel.png',
    });
    // The mock stored the very bytes (its public host is an alias of its loopback address).
    const stored = await fetch(`${env.mock.url}${downloadUrl.pathname}`);
    expect(stored.status).toBe(200);
    expect(Buffer.from(await stored.arrayBuffer())).toEqual(Buffer.from(PNG_BASE64, 'base64'));
  });

  /** Polls get_task_status (the server's own tool) until the task is final; fast timing ends within 3 s. */
  async function statusWhenFinal(taskId: string) {
    for (let attempt = 0; attempt < 60; attempt++) {
      const { json } = await callTool('get_task_status', { task_id: taskId });
      if (json?.status === 'success' || json?.status === 'fail') {
        return json;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`task ${taskId} did not finish`);
  }

  /** The create request the server sent for a model, and the mock's answer to it. */
  const createExchange = (model: string) => {
    const exchange = [...env.proxy.exchanges]
      .reverse()
      .find(
        (candidate) =>
          candidate.path === '/api/v1/jobs/createTask' && JSON.parse(candidate.requestBody).model === model,
      );
    return {
      sent: JSON.parse(exchange?.requestBody ?? '{}') as { model: string; input: Record<string, unknown> },
      answer: JSON.parse(exchange?.responseBody ?? '{}') as { code: number; data: { taskId: string } | null },
    };
  };

  /** Reads the duration (s) of an MP4 from its `mvhd` box. */
  const mp4Seconds = (bytes: Buffer): number => {
    const at = bytes.indexOf('mvhd');
    const version = bytes[at + 4];
    return version === 1
      ? Number(bytes.readBigUInt64BE(at + 28)) / bytes.readUInt32BE(at + 24)
      : bytes.readUInt32BE(at + 20) / bytes.readUInt32BE(at + 16);
  };

  it('kling_video creates a kling-3.0/video task that runs to a real 5 s MP4, charged as the catalog says', async () => {
    const { isError, json, text } = await callTool('kling_video', {
      prompt: 'A paper boat sails across a puddle after the rain',
      image_urls: [`${PUBLIC_URL}/files/uploads/start.png`],
    });
    expect(isError, text).toBe(false);
    expect(json).toMatchObject({ success: true });
    const { sent, answer } = createExchange('kling-3.0/video');
    expect(sent).toMatchObject({
      model: 'kling-3.0/video',
      callBackUrl: env.callbackUrl,
      input: { duration: '5', aspect_ratio: '16:9', mode: 'std', sound: false },
    });
    expect(answer.code).toBe(200);
    const taskId = answer.data?.taskId as string;
    expect(json?.task_id).toBe(taskId);
    const final = await statusWhenFinal(taskId);
    expect(final).toMatchObject({ status: 'success' });
    const resultUrl = new URL(String((final.result_urls as string[])[0]));
    const video = await fetch(`${env.mock.url}${resultUrl.pathname}`);
    expect(video.headers.get('content-type')).toMatch(/^video\/mp4/);
    expect(mp4Seconds(Buffer.from(await video.arrayBuffer()))).toBeCloseTo(5, 1);
    const { record, creditsCharged } = env.mock.admin.task(taskId);
    expect(record.creditsConsumed).toBe(estimateCredits(sent));
    expect(creditsCharged).toBe(estimateCredits(sent));
    expect(JSON.parse(record.param)).toEqual(sent);
  });

  it.each([
    ['pro', 'kling/ai-avatar-v1-pro'],
    ['standard', 'kling/v1-avatar-standard'],
  ])(
    'kling_avatar (%s) sends the deprecated id %s, which the mock runs as its current avatar model',
    async (quality, model) => {
      const { isError, json, text } = await callTool('kling_avatar', {
        image_url: `${PUBLIC_URL}/files/uploads/portrait.png`,
        audio_url: `${PUBLIC_URL}/files/uploads/voice.mp3`,
        prompt: 'Warm and friendly, a slight smile',
        quality,
      });
      expect(isError, text).toBe(false);
      const { sent, answer } = createExchange(model);
      expect(sent.input).toEqual({
        image_url: `${PUBLIC_URL}/files/uploads/portrait.png`,
        audio_url: `${PUBLIC_URL}/files/uploads/voice.mp3`,
        prompt: 'Warm and friendly, a slight smile',
      });
      expect(answer.code).toBe(200);
      expect(json?.task_id).toBe(answer.data?.taskId);
      const final = await statusWhenFinal(String(json?.task_id));
      expect(final).toMatchObject({ status: 'success' });
      const { record } = env.mock.admin.task(String(json?.task_id));
      expect(record.model).toBe(model);
      expect(record.creditsConsumed).toBe(estimateCredits(sent));
    },
  );
});

describe('what the server saw', () => {
  it('every answer it got is what the spec says', () => {
    expect(env.proxy.exchanges.length, serverLog).toBeGreaterThanOrEqual(6);
    expect(allSpecProblems(env.proxy.exchanges)).toEqual([]);
  });

  it('every callback went to the local receiver and is what the spec says', async () => {
    await env.mock.admin.settleCallbacks();
    expect(env.callbacks.length).toBeGreaterThanOrEqual(2);
    for (const payload of env.callbacks) {
      expect(validateCallbackPayload(payload).issues).toBeUndefined();
    }
  });
});
