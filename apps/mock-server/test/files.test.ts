import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spec } from '@kling-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunningMockServer } from '../src/index';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 1)]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.alloc(4),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(40, 2),
]);

type Upload = { success: boolean; code: number; msg: string; data: Record<string, unknown> | null };

let mock: RunningMockServer;
let kie: MockCaller;
beforeAll(async () => {
  mock = await startTestMock({ rateLimit: false });
  kie = new MockCaller(mock);
});
afterAll(() => mock.close());

const streamUpload = (file: Blob | undefined, fields: Record<string, string>, caller = kie) => {
  const form = new FormData();
  if (file) {
    form.set('file', file, 'upload.bin');
  }
  for (const [name, value] of Object.entries(fields)) {
    form.set(name, value);
  }
  return caller.call<Upload>('POST', '/api/file-stream-upload', { body: form });
};

describe('uploads', () => {
  it('stores a base64 data URL and serves it back at downloadUrl', async () => {
    const answer = await kie.call<Upload>('POST', '/api/file-base64-upload', {
      json: {
        base64Data: `data:image/png;base64,${PNG.toString('base64')}`,
        uploadPath: 'images/user-uploads',
        fileName: 'pixel.png',
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      success: true,
      code: 200,
      msg: 'File uploaded successfully',
      data: {
        fileName: 'pixel.png',
        filePath: 'images/user-uploads/pixel.png',
        downloadUrl: `${mock.url}/files/uploads/images/user-uploads/pixel.png`,
        fileSize: PNG.length,
        mimeType: 'image/png',
      },
    });
    const served = await fetch(answer.body.data?.downloadUrl as string);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('stores a multipart upload, names it when no fileName is given, and overwrites the same name', async () => {
    const unnamed = await streamUpload(new Blob([JPEG]), { uploadPath: 'frames' });
    expect(unnamed.body.data).toMatchObject({
      mimeType: 'image/jpeg',
      fileName: expect.stringMatching(/^[0-9a-f]{16}\.jpg$/),
    });
    await streamUpload(new Blob([JPEG]), { uploadPath: 'frames', fileName: 'end.webp' });
    const replaced = await streamUpload(new Blob([WEBP]), { uploadPath: 'frames', fileName: 'end.webp' });
    const served = await fetch(replaced.body.data?.downloadUrl as string);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await served.arrayBuffer()).equals(WEBP)).toBe(true);
  });

  it('downloads a loopback URL, and refuses other hosts unless allowed', async () => {
    const source = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG));
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = source.address() as AddressInfo;
      const answer = await kie.call<Upload>('POST', '/api/file-url-upload', {
        json: { fileUrl: `http://127.0.0.1:${port}/first-frame.png`, uploadPath: 'from-url' },
      });
      expect(answer.body).toMatchObject({ code: 200, data: { mimeType: 'image/png', fileSize: PNG.length } });
    } finally {
      source.close();
    }
    const external = await kie.call<Upload>('POST', '/api/file-url-upload', {
      json: { fileUrl: 'https://example.com/a.png', uploadPath: 'from-url' },
    });
    expect([external.status, external.body.code]).toEqual([400, 400]);
    expect(external.body.msg).toContain('--allow-external-fetch');
  });

  it('rejects what kie.ai rejects, with real HTTP statuses', async () => {
    const cases: [string, Promise<{ status: number; body: Upload }>, number, string][] = [
      ['no uploadPath', streamUpload(new Blob([PNG]), {}), 400, 'Missing required parameter: uploadPath'],
      ['no file', streamUpload(undefined, { uploadPath: 'x' }), 400, 'Missing required parameter: file'],
      ['leading slash', streamUpload(new Blob([PNG]), { uploadPath: '/x' }), 400, 'uploadPath'],
      ['not an image', streamUpload(new Blob(['hello']), { uploadPath: 'x' }), 400, 'Unsupported file type'],
      [
        'over 10 MB',
        streamUpload(new Blob([PNG, Buffer.alloc(10 * 1024 * 1024)]), { uploadPath: 'x' }),
        413,
        'File too large',
      ],
      [
        'bad base64',
        kie.call<Upload>('POST', '/api/file-base64-upload', {
          json: { base64Data: '!!notbase64!!', uploadPath: 'x' },
        }),
        400,
        'Base64 decoding failed: Invalid Base64 format',
      ],
      [
        'bad key',
        streamUpload(new Blob([PNG]), { uploadPath: 'x' }, new MockCaller(mock, null)),
        401,
        'Authentication failed',
      ],
      [
        'not multipart',
        kie.call<Upload>('POST', '/api/file-stream-upload', { json: { uploadPath: 'x' } }),
        400,
        'multipart/form-data',
      ],
    ];
    for (const [label, pending, status, message] of cases) {
      const answer = await pending;
      expect([label, answer.status, answer.body.code, answer.body.success]).toEqual([
        label,
        status,
        status,
        false,
      ]);
      expect(answer.body.msg, label).toContain(message);
    }
  });
});

describe('served files', () => {
  const finishedTask = async () => {
    const taskId = await kie.newTask();
    mock.admin.forceState(taskId, 'success');
    return { taskId, url: `${mock.url}/files/results/${taskId}.mp4` };
  };

  it('serves result videos with byte ranges, HEAD and 416', async () => {
    const { url } = await finishedTask();
    const whole = await fetch(url);
    const size = Number(whole.headers.get('content-length'));
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect((await whole.arrayBuffer()).byteLength).toBe(size);

    const part = await fetch(url, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);

    const tail = await fetch(url, { headers: { Range: 'bytes=-10' } });
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    await tail.arrayBuffer();

    const beyond = await fetch(url, { headers: { Range: `bytes=${size}-` } });
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, `bytes */${size}`]);

    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(size)]);
  });

  it('serves a 10 s video for a 10 s task, and nothing for a task still running', async () => {
    const five = await finishedTask();
    const tenId = await kie.newTask({ ...SEED_REQUEST, input: { ...SEED_REQUEST.input, duration: '10' } });
    expect((await fetch(`${mock.url}/files/results/${tenId}.mp4`)).status).toBe(404);
    mock.admin.forceState(tenId, 'success');
    const sizes = await Promise.all(
      [five.url, `${mock.url}/files/results/${tenId}.mp4`].map(async (url) =>
        (await fetch(url, { method: 'HEAD' })).headers.get('content-length'),
      ),
    );
    expect(Number(sizes[1])).toBeGreaterThan(Number(sizes[0]));
  });

  it('gives 20-minute download links for the mock’s own files only', async () => {
    const { url } = await finishedTask();
    const answer = await kie.call<{ code: number; data: string }>('POST', '/api/v1/common/download-url', {
      json: { url },
    });
    expect(answer.body.code).toBe(200);
    const link = new URL(answer.body.data);
    expect(link.pathname).toBe(new URL(url).pathname);
    expect(Number(link.searchParams.get('expires')) * 1000 - mock.admin.clock().now).toBeGreaterThan(
      19 * 60_000,
    );
    expect((await fetch(link)).status).toBe(200);

    const forged = new URL(link);
    forged.searchParams.set('token', 'A'.repeat(32));
    expect((await fetch(forged)).status).toBe(403);
    mock.admin.advanceClock(21 * 60_000);
    const expired = await fetch(link);
    expect([expired.status, await expired.text()]).toEqual([403, 'This download link has expired']);

    for (const other of [
      'https://tempfile.aiquickdraw.com/x.mp4',
      `${mock.url}/files/results/${'0'.repeat(32)}.mp4`,
      'http://127.0.0.1:99999/files/x.mp4', // a valid URI (RFC 3986) that no WHATWG parser takes
    ]) {
      const refused = await kie.call('POST', '/api/v1/common/download-url', { json: { url: other } });
      expect(refused.body).toEqual({
        code: 422,
        msg: 'URL invalid (external file URLs not supported)',
        data: null,
      });
    }
    // A broken percent-encoding is not a URI at all.
    for (const broken of ['https://example.com/abc/%', `${mock.url}/files/%E0%A4%A`]) {
      const refused = await kie.call('POST', '/api/v1/common/download-url', { json: { url: broken } });
      expect(refused.body).toEqual({ code: 422, msg: 'url: must be a valid URL', data: null });
    }
  });
});

describe('spec, reference and health', () => {
  it('serves the spec as JSON and YAML, an offline reference page and /healthz', async () => {
    expect(await (await fetch(`${mock.url}/openapi.json`)).json()).toEqual(spec);
    expect(parse(await (await fetch(`${mock.url}/openapi.yaml`)).text())).toEqual(spec);
    const page = await (await fetch(`${mock.url}/reference`)).text();
    expect(page).toContain('<redoc spec-url="/openapi.json"');
    expect(page).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    expect(await (await fetch(`${mock.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
  });
});
