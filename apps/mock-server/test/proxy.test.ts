import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProxyUploadUrl } from '../src/http/proxy';
import type { RunningMockServer } from '../src/index';
import { SEED_REQUEST, startTestMock } from './helpers';

/** What the stand-in for kie.ai saw. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A second local server standing in for kie.ai (or its upload host): records requests, answers envelopes. */
async function startUpstream(name: string): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/api/v1/chat/credit')) {
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '3', 'Set-Cookie': 'a=b' });
        res.end(JSON.stringify({ code: 429, msg: 'Rate limit exceeded', data: null }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: 200, msg: 'success', data: { taskId: `from-${name}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** The headers the playground page sends: its proxy token from `GET /__playground`, plus `extra`. */
async function pageHeaders(mock: RunningMockServer, extra: Record<string, string> = {}) {
  const { proxyToken } = (await fetch(`${mock.url}/__playground`).then((r) => r.json())) as {
    proxyToken: string;
  };
  return { 'X-Kling-Proxy-Token': proxyToken, ...extra };
}

describe('--proxy', () => {
  let api: Awaited<ReturnType<typeof startUpstream>>;
  let uploads: Awaited<ReturnType<typeof startUpstream>>;
  let mock: RunningMockServer;

  beforeAll(async () => {
    api = await startUpstream('api');
    uploads = await startUpstream('uploads');
    mock = await startTestMock({ proxy: `${api.url}/`, proxyUploadUrl: uploads.url });
  });
  afterAll(async () => {
    await mock.close();
    await close(api.server);
    await close(uploads.server);
  });

  it('forwards an API call server-side with its method, path, body and key', async () => {
    const answer = await fetch(`${mock.url}/proxy/api/v1/jobs/createTask?x=1`, {
      method: 'POST',
      headers: await pageHeaders(mock, {
        Authorization: 'Bearer real-key',
        'Content-Type': 'application/json',
        Cookie: 'c=d',
      }),
      body: JSON.stringify(SEED_REQUEST),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ code: 200, msg: 'success', data: { taskId: 'from-api' } });
    const request = api.seen.at(-1);
    expect(request?.method).toBe('POST');
    // createTask takes no query parameter: none is forwarded.
    expect(request?.url).toBe('/api/v1/jobs/createTask');
    expect(request?.headers.authorization).toBe('Bearer real-key');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.cookie).toBeUndefined();
    expect(request?.headers['x-kling-proxy-token']).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual(SEED_REQUEST);
    // The mock itself created no task: the call went to the stand-in.
    expect(mock.admin.tasks()).toHaveLength(0);
  });

  it('passes status and Retry-After back, not other upstream headers', async () => {
    const answer = await fetch(`${mock.url}/proxy/api/v1/chat/credit`, {
      headers: await pageHeaders(mock, { Authorization: 'Bearer real-key' }),
    });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('3');
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(((await answer.json()) as { code: number }).code).toBe(429);
    expect(api.seen.at(-1)?.method).toBe('GET');
  });

  it('sends upload calls to the upload server', async () => {
    const answer = await fetch(`${mock.url}/proxy/api/file-base64-upload`, {
      method: 'POST',
      headers: await pageHeaders(mock, {
        Authorization: 'Bearer real-key',
        'Content-Type': 'application/json',
      }),
      body: JSON.stringify({ base64Data: 'data:image/png;base64,AAAA', uploadPath: 'x' }),
    });
    expect(((await answer.json()) as { data: { taskId: string } }).data.taskId).toBe('from-uploads');
    expect(uploads.seen.at(-1)?.url).toBe('/api/file-base64-upload');
  });

  it('forwards nothing but /api/ paths', async () => {
    const before = api.seen.length;
    const answer = await fetch(`${mock.url}/proxy/__admin/reset`, {
      method: 'POST',
      headers: await pageHeaders(mock),
    });
    expect(answer.status).toBe(404);
    expect(api.seen.length).toBe(before);
  });

  it('tells the playground its target and its proxy token', async () => {
    const config = await fetch(`${mock.url}/__playground`).then((r) => r.json());
    expect(config).toEqual({ proxyTarget: api.url, proxyHasKey: false, proxyToken: expect.any(String) });
  });

  it('answers 502 in an envelope when kie.ai cannot be reached, without leaking the key', async () => {
    const down = await startUpstream('down');
    await close(down.server);
    const broken = await startTestMock({ proxy: down.url });
    try {
      const answer = await fetch(`${broken.url}/proxy/api/v1/chat/credit`, {
        headers: await pageHeaders(broken, { Authorization: 'Bearer secret-key-123' }),
      });
      expect(answer.status).toBe(502);
      const text = await answer.text();
      expect(JSON.parse(text)).toMatchObject({ code: 500, data: null });
      expect(text).toContain('could not reach');
      expect(text).not.toContain('secret-key-123');
    } finally {
      await broken.close();
    }
  });

  it('replaces the caller key with a server-side key when one is set', async () => {
    const keyed = await startTestMock({ proxy: api.url, proxyApiKey: 'server-key' });
    try {
      await fetch(`${keyed.url}/proxy/api/v1/jobs/recordInfo?taskId=abc`, {
        headers: await pageHeaders(keyed, { Authorization: 'Bearer placeholder' }),
      });
      expect(api.seen.at(-1)?.url).toBe('/api/v1/jobs/recordInfo?taskId=abc');
      expect(api.seen.at(-1)?.headers.authorization).toBe('Bearer server-key');
      expect(await fetch(`${keyed.url}/__playground`).then((r) => r.json())).toMatchObject({
        proxyHasKey: true,
      });
    } finally {
      await keyed.close();
    }
  });

  it('sends uploads to kie.ai upload host when proxying api.kie.ai', () => {
    expect(defaultProxyUploadUrl('https://api.kie.ai')).toBe('https://kieai.redpandaai.co');
    expect(defaultProxyUploadUrl('http://127.0.0.1:9')).toBe('http://127.0.0.1:9');
  });

  it('refuses a proxy that is not an http(s) URL', async () => {
    await expect(startTestMock({ proxy: 'ftp://example.com' })).rejects.toThrow(/proxy must be an http/);
  });
});
