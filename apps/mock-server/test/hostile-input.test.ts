/**
 * Hostile input answered with a clear 4xx envelope, never a crash or a 500: multipart parts cut
 * short, faults with impossible values, JSON nested thousands deep, bad percent-encoding, downloads
 * over the size limit, a clock pushed to absurd times. Each case here once ended the process or
 * answered wrongly.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let mock: RunningMockServer;
let kie: MockCaller;
const logLines: Record<string, unknown>[] = [];
beforeAll(async () => {
  mock = await startTestMock({
    rateLimit: false,
    log: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>),
  });
  kie = new MockCaller(mock);
});
afterAll(() => mock.close());

/** Sends raw bytes as one HTTP request and resolves with the raw answer (or '' when the socket closes). */
function rawRequest(head: string, body: Buffer | string, endSocket = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(mock.port, '127.0.0.1', () => {
      socket.write(head);
      socket.write(body);
      if (endSocket) {
        socket.end();
      }
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (!endSocket && Buffer.concat(chunks).includes('\r\n\r\n')) {
        socket.destroy();
      }
    });
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

/** A local server answering one fixed body, on loopback. */
async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('multipart uploads cut short', () => {
  it('answers a file part that never reaches its closing boundary with 400, and keeps serving', async () => {
    const body = Buffer.concat([
      Buffer.from(
        '--xyz\r\nContent-Disposition: form-data; name="uploadPath"\r\n\r\nimages\r\n' +
          '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n',
      ),
      PNG.subarray(0, 8),
    ]);
    const answer = await rawRequest(
      'POST /api/file-stream-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-key\r\n' +
        `Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('"success":false');
    expect((await kie.credits()).body.code).toBe(200);
  });

  it('survives a client that hangs up in the middle of a file part, and logs the request', async () => {
    const before = logLines.length;
    await rawRequest(
      'POST /api/file-stream-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-key\r\n' +
        'Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 100000\r\n\r\n',
      '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG',
    );
    await expect
      .poll(() => logLines.slice(before).some((line) => line.path === '/api/file-stream-upload'))
      .toBe(true);
    expect((await kie.credits()).body.code).toBe(200);
  });
});

describe('faults are validated like API input', () => {
  it('refuses an HTTP status outside 100–599 and other impossible values with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ operation: 'getCreditBalance', httpStatus: 1000, delayMs: 10 }, 'httpStatus'],
      [{ operation: 'getCreditBalance', httpStatus: 99 }, 'httpStatus'],
      [{ operation: 'getCreditBalance', httpStatus: 101 }, 'httpStatus'],
      [{ operation: 'getCreditBalance', code: 'x' }, 'code'],
      [{ operation: 'getCreditBalance', delayMs: 1e12 }, 'delayMs'],
      [{ operation: 'getCreditBalance', times: 0.5 }, 'times'],
      [{ operation: 'getCreditBalance', retryAfterSec: -1 }, 'retryAfterSec'],
      [{ operation: 'getCreditBalance', drop: 'yes' }, 'drop'],
      [{ operation: 'getCreditBalance', surprise: 1 }, 'surprise'],
      [{ httpStatus: 500 }, 'operation'],
    ];
    for (const [fault, field] of cases) {
      const answer = await kie.call<{ code: number; msg: string }>('POST', '/__admin/faults', {
        json: fault,
      });
      expect(answer.status, JSON.stringify(fault)).toBe(400);
      expect(answer.body.msg).toContain(field);
    }
    expect(mock.admin.faults()).toEqual([]);
    expect(() => mock.admin.addFault({ operation: 'getCreditBalance', httpStatus: 1000 })).toThrow(
      RangeError,
    );
  });

  it('answers a delayed fault that fails while answering with an envelope, not a dead process', async () => {
    mock.admin.addFault({ operation: 'getCreditBalance', code: 455, httpStatus: 599, delayMs: 10 });
    const answer = await kie.credits();
    expect(answer.status).toBe(599);
    expect(answer.body.code).toBe(455);
    expect((await kie.credits()).body.code).toBe(200);
  });
});

describe('bodies and URLs that used to answer 500', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`;

  it('answers JSON nested 5 000 deep with 422 (API) and 400 (admin)', async () => {
    const body = `{"model":"kling/v2-1-pro","extra":${nested(5_000)},"input":${JSON.stringify(SEED_REQUEST.input)}}`;
    const api = await kie.call<{ code: number; msg: string }>('POST', '/api/v1/jobs/createTask', {
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(api.body.code).toBe(422);
    expect(api.body.msg).toMatch(/nests deeper than 64/);
    const admin = await kie.call<{ code: number; msg: string }>('POST', '/__admin/faults', {
      body: `{"operation":"*","msg":${nested(5_000)}}`,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(admin.status).toBe(400);
    expect(admin.body.msg).toMatch(/nests deeper than 64/);
    // Brackets inside strings are text, not nesting.
    const prompt = await kie.createTask({
      ...SEED_REQUEST,
      input: { ...SEED_REQUEST.input, prompt: '['.repeat(500) },
    });
    expect(prompt.body.code).toBe(200);
  });

  it('answers bad percent-encoding in a path with 400', async () => {
    for (const path of ['/files/uploads/%ff', '/files/results/%E0%A4%A', '/__admin/tasks/%ff']) {
      const answer = await kie.call<{ code: number; msg: string }>('GET', path);
      expect(answer.status, path).toBe(400);
      expect(answer.body).toEqual({ code: 400, msg: 'Malformed URL: invalid percent-encoding', data: null });
    }
  });

  it('answers a URL upload over 10 MB with 413, announced or not', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024 + 1)]);
    const server = await serve((req, res) => {
      if (req.url === '/chunked') {
        res.writeHead(200, { 'Content-Type': 'image/png' });
        res.end(big); // no Content-Length header set by hand: chunked
      } else {
        res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': big.length }).end(big);
      }
    });
    try {
      for (const path of ['/chunked', '/announced']) {
        const answer = await kie.call<{ code: number; msg: string }>('POST', '/api/file-url-upload', {
          json: { fileUrl: `${server.url}${path}`, uploadPath: 'big' },
        });
        expect(answer.status, path).toBe(413);
        expect(answer.body.msg).toMatch(/File too large/);
      }
    } finally {
      await server.close();
    }
  });

  it('ignores a Prefer code that cannot be a final answer, instead of hanging on a 1xx', async () => {
    for (const prefer of ['code=100', 'code=199', 'code=000', 'code=099']) {
      const answer = await kie.call<{ code: number }>('POST', '/api/file-base64-upload', {
        json: { base64Data: PNG.toString('base64'), uploadPath: 'prefer' },
        headers: { Prefer: prefer },
      });
      expect(answer.status, prefer).toBe(200);
    }
    const forced = await kie.call<{ code: number }>('GET', '/api/v1/chat/credit', {
      headers: { Prefer: 'code=455' },
    });
    expect(forced.body.code).toBe(455);
  });

  it('answers a lone surrogate in uploadPath or fileName with 400, not a 500', async () => {
    for (const fields of ['"uploadPath":"fuzz","fileName":"\\ud800.png"', '"uploadPath":"a\\udc00"']) {
      const answer = await kie.call<{ code: number; msg: string }>('POST', '/api/file-base64-upload', {
        body: `{"base64Data":"${PNG.toString('base64')}",${fields}}`,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(answer.status, fields).toBe(400);
      expect(answer.body.msg).toMatch(/must be valid Unicode text/);
    }
  });

  it('bounds clock advances, so later uploads keep valid dates', async () => {
    for (const ms of [1e300, Number.MAX_SAFE_INTEGER, -1, 'soon']) {
      const answer = await kie.call('POST', '/__admin/clock/advance', { json: { ms } });
      expect(answer.status, String(ms)).toBe(400);
    }
    const upload = await kie.call<{ code: number; data: { uploadedAt: string } }>(
      'POST',
      '/api/file-base64-upload',
      {
        json: { base64Data: PNG.toString('base64'), uploadPath: 'after-clock' },
      },
    );
    expect(upload.body.code).toBe(200);
    expect(Number.isNaN(Date.parse(upload.body.data.uploadedAt))).toBe(false);
  });
});
