/**
 * Only the playground page of this server may use `/proxy` (with a server-side key, any page that
 * could call it would spend that key): no CORS, a per-start token from `GET /__playground`, and
 * requests a browser marks as coming from elsewhere refused.
 */
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { startTestMock } from './helpers';

const SERVER_KEY = 'sk-server-secret-789';
const CREDIT = '/proxy/api/v1/chat/credit';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request with exactly these headers (fetch would refuse to set Host, Origin or Sec-Fetch-*). */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sent = request({ host: hostname, port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

const tokenOf = async (mock: RunningMockServer, headers: Record<string, string> = {}) =>
  (JSON.parse((await raw(mock.url, 'GET', '/__playground', headers)).body) as { proxyToken?: string })
    .proxyToken;

describe('who may use the proxy', () => {
  let upstream: Server;
  let upstreamUrl: string;
  const seen: IncomingHttpHeaders[] = [];
  const logged: string[] = [];
  let mock: RunningMockServer;
  let token: string;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
      res.end('{"code":200,"msg":"success","data":100}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    mock = await startTestMock({
      proxy: upstreamUrl,
      proxyApiKey: SERVER_KEY,
      log: (line) => logged.push(line),
    });
    token = (await tokenOf(mock)) as string;
  });
  afterAll(async () => {
    await mock.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('gives the page a random token per start, only with --proxy', async () => {
    expect(token).toMatch(/^[\w-]{40,}$/);
    expect(await tokenOf(mock)).toBe(token);
    const other = await startTestMock({ proxy: upstreamUrl });
    const without = await startTestMock();
    try {
      expect(await tokenOf(other)).not.toBe(token);
      expect(await tokenOf(without)).toBeUndefined();
    } finally {
      await other.close();
      await without.close();
    }
  });

  it('refuses calls without the token or with a wrong one, in the envelope, without calling kie.ai', async () => {
    const before = seen.length;
    const missing = await raw(mock.url, 'GET', CREDIT);
    expect(missing.status).toBe(403);
    expect(JSON.parse(missing.body)).toEqual({
      code: 403,
      msg: expect.stringContaining('X-Kling-Proxy-Token is missing'),
      data: null,
    });
    for (const wrong of [`${token}x`, token.slice(0, -1), 'x', token.toUpperCase()]) {
      const answer = await raw(mock.url, 'GET', CREDIT, { 'X-Kling-Proxy-Token': wrong });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).msg).toContain('Wrong X-Kling-Proxy-Token');
    }
    expect(seen.length).toBe(before);
    const allowed = await raw(mock.url, 'GET', CREDIT, { 'X-Kling-Proxy-Token': token });
    expect(allowed.status).toBe(200);
    expect(seen.length).toBe(before + 1);
    // The token stays here; the server's key goes upstream and nowhere else.
    expect(seen.at(-1)?.['x-kling-proxy-token']).toBeUndefined();
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${SERVER_KEY}`);
  });

  it('sends no Access-Control-* header and approves no preflight', async () => {
    const origin = 'http://evil.example';
    const preflight = await raw(mock.url, 'OPTIONS', CREDIT, {
      Origin: origin,
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'x-kling-proxy-token',
    });
    const answers = [
      preflight,
      await raw(mock.url, 'GET', CREDIT, { Origin: origin, 'X-Kling-Proxy-Token': token }),
      await raw(mock.url, 'GET', CREDIT, { 'X-Kling-Proxy-Token': token }),
      await raw(mock.url, 'GET', '/__playground', { Origin: origin }),
    ];
    expect(preflight.status).toBe(403);
    for (const answer of answers) {
      expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('refuses requests a browser marks as coming from another site, even with the token', async () => {
    const before = seen.length;
    const host = new URL(mock.url).host;
    const refused: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { 'Sec-Fetch-Site': 'none' },
      { Origin: 'http://evil.example' },
      { Origin: `http://${host}.evil.example` },
      { Origin: 'null' },
      // DNS rebinding: a page of attacker.example whose name now points at 127.0.0.1.
      { Host: `attacker.example:${new URL(mock.url).port}` },
      {
        Host: `attacker.example:${new URL(mock.url).port}`,
        Origin: `http://attacker.example:${new URL(mock.url).port}`,
      },
    ];
    for (const headers of refused) {
      const answer = await raw(mock.url, 'POST', '/proxy/api/v1/jobs/createTask', {
        ...headers,
        'X-Kling-Proxy-Token': token,
        'Content-Type': 'application/json',
      });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 403, data: null });
      // Nor does such a page get the token.
      expect(await tokenOf(mock, headers), JSON.stringify(headers)).toBeUndefined();
    }
    expect(seen.length).toBe(before);
    const samePage = { 'Sec-Fetch-Site': 'same-origin', Origin: `http://${host}` };
    expect(await tokenOf(mock, samePage)).toBe(token);
    const localhost = {
      Host: `localhost:${new URL(mock.url).port}`,
      Origin: `http://localhost:${new URL(mock.url).port}`,
    };
    for (const headers of [samePage, localhost]) {
      const answer = await raw(mock.url, 'GET', CREDIT, { ...headers, 'X-Kling-Proxy-Token': token });
      expect(answer.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('never lets the server key or the token into an answer or the log', async () => {
    const answers = [
      await raw(mock.url, 'GET', CREDIT),
      await raw(mock.url, 'GET', CREDIT, { 'X-Kling-Proxy-Token': 'wrong' }),
      await raw(mock.url, 'GET', '/proxy/api/../user/keys', { 'X-Kling-Proxy-Token': token }),
      await raw(mock.url, 'GET', CREDIT, { 'X-Kling-Proxy-Token': token }),
    ];
    for (const text of [...answers.map((answer) => answer.body), ...logged]) {
      expect(text).not.toContain(SERVER_KEY);
      expect(text).not.toContain(token);
    }
  });
});
