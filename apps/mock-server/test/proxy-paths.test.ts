/**
 * The proxy forwards the operations of the spec and nothing else: dot segments, encoded slashes,
 * other methods and other paths never reach kie.ai, whatever the caller writes.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPERATIONS } from '@kling-kit/contract';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { startTestMock } from './helpers';

interface Seen {
  method: string;
  url: string;
}

async function startUpstream(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"code":200,"msg":"success","data":null}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

/** Sends `path` byte for byte (fetch and URL would resolve the dot segments before sending). */
function raw(base: string, method: string, path: string, headers: Record<string, string>) {
  const { hostname, port } = new URL(base);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const sent = request({ host: hostname, port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    sent.on('error', reject);
    sent.end(method === 'POST' ? '{}' : undefined);
  });
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('what the proxy forwards', () => {
  let api: Awaited<ReturnType<typeof startUpstream>>;
  let uploads: Awaited<ReturnType<typeof startUpstream>>;
  let mock: RunningMockServer;
  let headers: Record<string, string>;

  beforeAll(async () => {
    api = await startUpstream();
    uploads = await startUpstream();
    mock = await startTestMock({ proxy: api.url, proxyUploadUrl: uploads.url, proxyApiKey: 'server-key' });
    const config = (await fetch(`${mock.url}/__playground`).then((r) => r.json())) as { proxyToken: string };
    headers = { 'X-Kling-Proxy-Token': config.proxyToken, 'Content-Type': 'application/json' };
  });
  beforeEach(() => {
    api.seen.length = 0;
    uploads.seen.length = 0;
  });
  afterAll(async () => {
    await mock.close();
    await close(api.server);
    await close(uploads.server);
  });

  it('never forwards dot segments, encoded separators or paths outside the spec', async () => {
    const paths = [
      '/proxy/api/%2e%2e/user/keys',
      '/proxy/api/%2E%2E/user/keys',
      '/proxy/api/../admin',
      '/proxy/api/./v1/chat/credit',
      '/proxy/api/%2e/v1/chat/credit',
      '/proxy/api/v1/jobs/../../../user/keys',
      '/proxy/api/v1/jobs/%2e%2e%2f%2e%2e%2fuser',
      '/proxy/api/v1/chat%2fcredit',
      '/proxy/api/v1/chat%2Fcredit',
      '/proxy/api/v1/chat%5ccredit',
      '/proxy/api\\v1\\chat\\credit',
      '/proxy/api/v1//chat/credit',
      '/proxy//api/v1/chat/credit',
      '/proxy/api/v1/chat/credit/',
      '/proxy/api/v1/chat/credit/..',
      '/proxy/api/%252e%252e/user/keys',
      '/proxy/api/v1/chat/credit%00',
      '/proxy/api/v1/chat/credit;x=1',
      '/proxy/api/user/keys',
      '/proxy/api/admin',
      '/proxy/__admin/reset',
      '/proxy/files/results/x.mp4',
      '/proxy/http://127.0.0.1:1/api/v1/chat/credit',
      'http://127.0.0.1:1/proxy/api/v1/chat/credit',
    ];
    for (const path of paths) {
      for (const method of ['GET', 'POST']) {
        const answer = await raw(mock.url, method, path, headers);
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(JSON.parse(answer.body), `${method} ${path}`).toEqual({
          code: 404,
          msg: expect.stringContaining('only forwards the operations of the spec'),
          data: null,
        });
      }
    }
    // Express refuses a malformed percent-encoding itself (400), before the proxy sees it.
    const malformed = await raw(mock.url, 'GET', '/proxy/api/v1/chat/credit%', headers);
    expect([400, 404]).toContain(malformed.status);
    expect(JSON.parse(malformed.body)).toMatchObject({ data: null });
    expect([...api.seen, ...uploads.seen]).toEqual([]);
  });

  it('forwards each operation with its own method only', async () => {
    for (const operation of OPERATIONS) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']) {
        if (method === operation.method) {
          continue;
        }
        const answer = await raw(mock.url, method, `/proxy${operation.path}`, headers);
        expect(answer.status, `${method} ${operation.path}`).toBe(404);
      }
    }
    expect([...api.seen, ...uploads.seen]).toEqual([]);
  });

  it('sends each operation to the server the spec names, at the path the spec names', async () => {
    for (const operation of OPERATIONS) {
      const answer = await raw(mock.url, operation.method, `/proxy${operation.path}`, headers);
      expect(answer.status, operation.operationId).toBe(200);
    }
    const expected = (server: 'api' | 'upload') =>
      OPERATIONS.filter((operation) => operation.server === server).map(({ method, path }) => ({
        method,
        url: path,
      }));
    expect(api.seen).toEqual(expected('api'));
    expect(uploads.seen).toEqual(expected('upload'));
  });

  it('forwards only the query parameters the spec declares, re-serialised', async () => {
    const calls = [
      ['/proxy/api/v1/jobs/recordInfo?taskId=abc123', '/api/v1/jobs/recordInfo?taskId=abc123'],
      ['/proxy/api/v1/jobs/recordInfo?x=1&taskId=abc&taskId=def#frag', '/api/v1/jobs/recordInfo?taskId=abc'],
      [
        '/proxy/api/v1/jobs/recordInfo?taskId=a%26b%3Dc%2F..',
        '/api/v1/jobs/recordInfo?taskId=a%26b%3Dc%2F..',
      ],
      ['/proxy/api/v1/jobs/recordInfo', '/api/v1/jobs/recordInfo'],
      ['/proxy/api/v1/chat/credit?taskId=abc&url=http://x', '/api/v1/chat/credit'],
    ];
    for (const [path] of calls) {
      await raw(mock.url, 'GET', path as string, headers);
    }
    expect(api.seen.map((seen) => seen.url)).toEqual(calls.map(([, forwarded]) => forwarded));
  });
});
