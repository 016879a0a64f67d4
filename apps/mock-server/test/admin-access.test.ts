/**
 * The admin API is safe by default: no web page on another site can send it a request the browser
 * lets through (no CORS, JSON-only POSTs, own-origin checks), no DNS-rebound name reaches it (Host
 * check), and on a non-loopback interface it needs a token or is off.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli-options';
import type { RunningMockServer } from '../src/index';
import { startMockServer } from '../src/index';
import { MockCaller, startTestMock } from './helpers';

let mock: RunningMockServer;
let kie: MockCaller;
beforeAll(async () => {
  mock = await startTestMock();
  kie = new MockCaller(mock, null);
});
afterAll(() => mock.close());

/** A request with full control of the Host header (fetch forbids setting it). */
function rawCall(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('the admin API and other origins', () => {
  it('sends no CORS header and approves no preflight', async () => {
    const answer = await kie.call('GET', '/__admin/tasks', { headers: { Origin: 'https://evil.example' } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await kie.call('OPTIONS', '/__admin/reset', {
      headers: {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).not.toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // The public API keeps its CORS for browser apps.
    const api = await kie.call('OPTIONS', '/api/v1/jobs/createTask', {
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(api.status).toBe(204);
    expect(api.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses the simple requests a cross-site form or no-cors fetch can send', async () => {
    const taskCount = mock.admin.tasks().length;
    for (const headers of [
      { 'Content-Type': 'text/plain' } as Record<string, string>,
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      {},
    ]) {
      const answer = await kie.call('POST', '/__admin/reset', { headers, body: '{}' });
      expect(answer.status, JSON.stringify(headers)).toBe(415);
    }
    for (const headers of [
      { 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/json' } as Record<string, string>,
      { 'Sec-Fetch-Site': 'same-site', 'Content-Type': 'application/json' },
      { Origin: 'https://evil.example', 'Content-Type': 'application/json' },
    ]) {
      const answer = await kie.call<{ code: number; msg: string }>('POST', '/__admin/credits', {
        headers,
        body: JSON.stringify({ apiKey: 'victim', credits: 0 }),
      });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body.code).toBe(403);
    }
    expect(mock.admin.tasks().length).toBe(taskCount);
    expect(mock.admin.accounts().some((account) => account.credits === 0)).toBe(false);
    // Its own origin and tools outside a browser are fine.
    const own = await kie.call('GET', '/__admin/clock', {
      headers: { Origin: mock.url, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(own.status).toBe(200);
  });

  it('answers only Host names of loopback or the configured host (no DNS rebinding)', async () => {
    for (const host of ['evil.example', 'evil.example:4010', '10.0.0.1', 'localhost.evil.example']) {
      const answer = await rawCall(mock.port, 'GET', '/__admin/tasks', { Host: host });
      expect(answer.status, host).toBe(403);
    }
    for (const host of [`127.0.0.1:${mock.port}`, `localhost:${mock.port}`, `[::1]:${mock.port}`]) {
      const answer = await rawCall(mock.port, 'GET', '/__admin/tasks', { Host: host });
      expect(answer.status, host).toBe(200);
    }
    // The API itself answers any Host, as kie.ai does.
    const api = await rawCall(mock.port, 'GET', '/api/v1/chat/credit', {
      Host: 'evil.example',
      Authorization: 'Bearer k',
    });
    expect(api.status).toBe(200);
  });

  it('refuses the mock’s own callback deliveries', async () => {
    const answer = await kie.call('POST', '/__admin/reset', {
      json: {},
      headers: { 'X-Kling-Mock-Delivery': '1' },
    });
    expect(answer.status).toBe(403);
  });
});

describe('admin token and --host', () => {
  it('requires the bearer token when one is set, whatever the Host', async () => {
    const guarded = await startMockServer({ port: 0, adminToken: 's3cret-admin' });
    try {
      expect((await rawCall(guarded.port, 'GET', '/__admin/clock', { Host: 'mock.lan' })).status).toBe(401);
      expect(
        (
          await rawCall(guarded.port, 'GET', '/__admin/clock', {
            Host: 'mock.lan',
            Authorization: 'Bearer wrong',
          })
        ).status,
      ).toBe(401);
      const ok = await rawCall(guarded.port, 'GET', '/__admin/clock', {
        Host: 'mock.lan',
        Authorization: 'Bearer s3cret-admin',
      });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('refuses a non-loopback host without a token or --no-admin, in-process and on the command line', async () => {
    await expect(startMockServer({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/admin/);
    expect(() => parseCli(['--host', '0.0.0.0'], {})).toThrow(/--admin-token .*--no-admin/);
    expect(parseCli(['--host', '0.0.0.0', '--no-admin'], {})).toMatchObject({ options: { admin: false } });
    expect(parseCli(['--host', '::'], { KLING_MOCK_ADMIN_TOKEN: 't' })).toMatchObject({
      options: { adminToken: 't' },
    });
  });

  it('serves no admin API with admin: false', async () => {
    const without = await startMockServer({ port: 0, admin: false });
    try {
      expect((await fetch(`${without.url}/__admin/tasks`)).status).toBe(404);
    } finally {
      await without.close();
    }
  });

  it('prints the address actually bound and warns on stderr for a non-loopback --host', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const child = spawn(
      process.execPath,
      [cli, '--host', '0.0.0.0', '--port', '0', '--no-admin', '--no-playground', '--timing', 'fast'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    try {
      await expect.poll(() => stdout, { timeout: 10_000 }).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+/);
      expect(stdout).toMatch(/admin: off/);
      expect(stderr).toMatch(
        /warning: listening on http:\/\/0\.0\.0\.0:\d+ makes the mock reachable from the network/,
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});
