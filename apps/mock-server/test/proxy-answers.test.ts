/**
 * The proxy streams answers instead of holding them: memory stays flat under a huge answer, the
 * upstream is read only as fast as the client reads, answers are capped at 32 MB, and an upstream
 * that drops mid-answer gives a 502 envelope (or, once the answer is streaming, a cut connection).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { startTestMock } from './helpers';

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** Writes `total` bytes as fast as the reader takes them (never more than its socket buffers hold). */
function pump(res: ServerResponse, total: number, progress: { written: number }, then: () => void): void {
  const next = () => {
    while (progress.written < total) {
      progress.written += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once('drain', next);
        return;
      }
    }
    then();
  };
  res.on('error', () => undefined);
  next();
}

/** The stand-in for kie.ai: each path is one kind of answer. */
const progress = { written: 0, requests: 0, cut: false };
function upstreamHandler(req: IncomingMessage, res: ServerResponse): void {
  progress.written = 0;
  progress.requests += 1;
  progress.cut = false;
  res.on('close', () => {
    progress.cut = !res.writableFinished;
  });
  const drop = () => req.socket.destroy();
  switch (req.url) {
    case '/api/v1/chat/credit': // 200 MB, chunked, generated on the fly
      res.writeHead(200, { 'Content-Type': 'application/json' });
      pump(res, 200 * MB, progress, () => res.end());
      return;
    case '/api/v1/jobs/recordInfo?taskId=announced': // announces 200 MB
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(200 * MB) });
      pump(res, 200 * MB, progress, () => res.end());
      return;
    case '/api/v1/jobs/recordInfo?taskId=short': // drops within the first MB
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"code":200,"msg":"success","data":{"taskId":');
      setTimeout(drop, 20);
      return;
    case '/api/v1/jobs/recordInfo?taskId=short-chunked':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"code":200,"msg":"success","data":{"taskId":');
      setTimeout(drop, 20);
      return;
    case '/api/v1/jobs/recordInfo?taskId=long': // drops after 3 MB
      res.writeHead(200, { 'Content-Type': 'application/json' });
      pump(res, 3 * MB, progress, drop);
      return;
    case '/api/v1/jobs/recordInfo?taskId=slow-reader': // 31 MB: under the cap
      res.writeHead(200, { 'Content-Type': 'application/json' });
      pump(res, 31 * MB, progress, () => res.end());
      return;
    default:
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"code":200,"msg":"success","data":null}');
      });
  }
}

interface Received {
  status: number;
  bytes: number;
  body: string;
  /** Whether the answer ended cleanly (false: the connection was cut mid-answer). */
  complete: boolean;
}

/** A GET through the proxy; reading starts after `pauseMs` (the body is counted, not kept, past 64 kB). */
function get(mock: { url: string }, path: string, token: string, pauseMs = 0): Promise<Received> {
  const { port } = new URL(mock.url);
  return new Promise((resolve, reject) => {
    const sent = request(
      { host: '127.0.0.1', port, path, headers: { 'X-Kling-Proxy-Token': token } },
      (res) => {
        const received: Received = { status: res.statusCode ?? 0, bytes: 0, body: '', complete: false };
        res.pause();
        setTimeout(() => {
          res.on('data', (chunk: Buffer) => {
            received.bytes += chunk.length;
            if (received.body.length < 64 * 1024) {
              received.body += chunk.toString('utf8');
            }
          });
          res.on('end', () => resolve({ ...received, complete: res.complete }));
          res.on('error', () => resolve(received));
          res.on('aborted', () => resolve(received));
          res.resume();
        }, pauseMs);
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** `kling-mock --proxy <upstream>` in its own process, so its memory is its own. */
async function startCli(proxy: string): Promise<{ url: string; child: ChildProcess }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'KIE_API_KEY' && !name.startsWith('KLING_MOCK_')),
  );
  const child = spawn(
    process.execPath,
    [CLI, '--port', '0', '--quiet', '--no-playground', '--proxy', proxy],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kling-mock did not start: ${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /API and uploads: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`kling-mock exited: ${output}`)));
  });
  return { url, child };
}

/** A figure of /proc/<pid>/status in MB: `VmRSS` (now) or `VmHWM` (the peak so far). */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1]) / 1024;
}

describe('proxied answers', () => {
  let upstream: Server;
  let mock: RunningMockServer;
  let token: string;

  beforeAll(async () => {
    upstream = createServer(upstreamHandler);
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    mock = await startTestMock({ proxy: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    token = ((await fetch(`${mock.url}/__playground`).then((r) => r.json())) as { proxyToken: string })
      .proxyToken;
  });
  afterAll(async () => {
    await mock.close();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it.skipIf(!existsSync('/proc/self/status'))(
    'relays a 200 MB answer in bounded memory (kling-mock in its own process), cut at 32 MB',
    async () => {
      const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      const cli = await startCli(upstreamUrl);
      try {
        const pid = cli.child.pid as number;
        const cliToken = (
          (await fetch(`${cli.url}/__playground`).then((r) => r.json())) as { proxyToken: string }
        ).proxyToken;
        // Warm up first (lazily loaded modules, the first connection): not what this measures.
        await get(cli, '/proxy/api/v1/jobs/recordInfo?taskId=ok', cliToken);
        const before = memoryOf(pid, 'VmRSS');
        const answer = await get(cli, '/proxy/api/v1/chat/credit', cliToken);
        const growth = memoryOf(pid, 'VmHWM') - before;
        expect(growth, `kling-mock grew by ${growth.toFixed(1)} MB`).toBeLessThan(64);
        expect(answer.status).toBe(200);
        expect(answer.complete).toBe(false);
        expect(answer.bytes).toBeGreaterThan(MB);
        expect(answer.bytes).toBeLessThanOrEqual(32 * MB);
        // The mock stopped reading: the upstream never got to write its 200 MB.
        expect(progress.written).toBeLessThan(100 * MB);
      } finally {
        cli.child.kill('SIGKILL');
      }
    },
  );

  it('relays a 31 MB answer whole to a client that starts reading late', async () => {
    const answer = await get(mock, '/proxy/api/v1/jobs/recordInfo?taskId=slow-reader', token, 1000);
    expect(answer).toMatchObject({ status: 200, complete: true, bytes: 31 * MB });
    expect(answer.body.startsWith(' ')).toBe(true);
  });

  it('holds back while the client does not read', async () => {
    let writtenWhilePaused = 0;
    const reading = get(mock, '/proxy/api/v1/jobs/recordInfo?taskId=slow-reader', token, 1500);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    writtenWhilePaused = progress.written;
    expect((await reading).bytes).toBe(31 * MB);
    // Without backpressure all 31 MB would be read at once. With it, only what the buffers hold gets
    // written: the 1 MB head, and four loopback socket buffers that Linux autotunes up to ~6 MB each
    // on a loaded machine (about 8 MB in all when it is quiet, up to 24 MB seen under load).
    expect(writtenWhilePaused / MB).toBeLessThan(28);
  });

  it('refuses an answer that announces more than 32 MB, in a 502 envelope', async () => {
    const answer = await get(mock, '/proxy/api/v1/jobs/recordInfo?taskId=announced', token);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({
      code: 500,
      msg: expect.stringContaining('larger than 33554432 bytes'),
      data: null,
    });
  });

  it('answers 502 in an envelope when the upstream drops within the first MB', async () => {
    for (const taskId of ['short', 'short-chunked']) {
      const answer = await get(mock, `/proxy/api/v1/jobs/recordInfo?taskId=${taskId}`, token);
      expect(answer.status, taskId).toBe(502);
      expect(JSON.parse(answer.body), taskId).toEqual({
        code: 500,
        msg: expect.stringContaining('closed the connection before its answer was complete'),
        data: null,
      });
    }
  });

  it('cuts the client connection when the upstream drops while streaming', async () => {
    const answer = await get(mock, '/proxy/api/v1/jobs/recordInfo?taskId=long', token);
    expect(answer.status).toBe(200);
    expect(answer.complete).toBe(false);
    expect(answer.bytes).toBeLessThanOrEqual(3 * MB);
  });

  it('keeps the request body limit, and stays up after all of this', async () => {
    const before = progress.requests;
    const answer = await fetch(`${mock.url}/proxy/api/v1/jobs/createTask`, {
      method: 'POST',
      headers: { 'X-Kling-Proxy-Token': token, 'Content-Type': 'application/json' },
      body: new Uint8Array(17 * MB),
    });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({
      code: 422,
      msg: expect.stringContaining('bodies up to 16777216 bytes'),
      data: null,
    });
    expect(progress.requests).toBe(before);
    expect((await fetch(`${mock.url}/healthz`)).status).toBe(200);
    const small = await get(mock, '/proxy/api/v1/jobs/recordInfo?taskId=ok', token);
    expect(JSON.parse(small.body)).toEqual({ code: 200, msg: 'success', data: null });
  });

  it('survives clients that leave mid-request or mid-answer, stops reading kie.ai, and logs nothing', async () => {
    const errors = vi.spyOn(console, 'error');
    const { port } = new URL(mock.url);
    const headers = { 'X-Kling-Proxy-Token': token };
    await new Promise<void>((resolve) => {
      const sent = request(
        { host: '127.0.0.1', port, path: '/proxy/api/v1/jobs/recordInfo?taskId=slow-reader', headers },
        (res) => {
          let got = 0;
          res.on('data', (chunk: Buffer) => {
            got += chunk.length;
            if (got > 2 * MB) {
              sent.destroy();
              resolve();
            }
          });
        },
      );
      sent.on('error', () => undefined);
      sent.end();
    });
    await expect.poll(() => progress.cut).toBe(true);
    expect(progress.written).toBeLessThan(31 * MB);
    const requests = progress.requests;
    const partial = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/proxy/api/v1/jobs/createTask',
      headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': '1000' },
    });
    partial.on('error', () => undefined);
    partial.write('{"model":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    partial.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(progress.requests).toBe(requests);
    expect((await fetch(`${mock.url}/healthz`)).status).toBe(200);
    expect(errors).not.toHaveBeenCalled();
  });
});
