import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli-options';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
  }
});

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // 'close' comes after 'exit' once stdout and stderr have ended: all the output has been read.
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const output = () => ({ stdout, stderr });
  const waitFor = async (pattern: RegExp, timeoutMs = 5_000) => {
    const started = Date.now();
    while (!pattern.test(stdout)) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`timed out waiting for ${pattern}: ${stdout} ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return pattern.exec(stdout) as RegExpExecArray;
  };
  return { child, exited, closed, output, waitFor };
}

describe('kling-mock', () => {
  it('prints its help and version', async () => {
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output().stdout).toContain('Usage: kling-mock [options]');
    expect(help.output().stdout).toContain('--http-status-mirror');
    const version = run(['--version']);
    expect(await version.exited).toBe(0);
    expect(version.output().stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses an unknown flag or a bad value with exit code 2', async () => {
    const unknown = run(['--bogus']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output().stderr).toContain('--bogus');
    const badRate = run(['--fail-rate', '2']);
    expect(await badRate.exited).toBe(2);
    expect(badRate.output().stderr).toContain('Invalid fail rate');
  });

  it('serves, logs one JSON line per request without the key, and stops cleanly on SIGTERM', async () => {
    const server = run(['--port', '0', '--timing', 'fast', '--seed', 'cli'], { KLING_MOCK_HMAC_KEY: 'k' });
    const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const answer = await fetch(`${url}/api/v1/chat/credit`, {
      headers: { Authorization: 'Bearer sk-cli-secret' },
    });
    expect(await answer.json()).toEqual({ code: 200, msg: 'success', data: 100_000 });
    const [line] = await server.waitFor(/\{"time".*\}/);
    expect(JSON.parse(line)).toMatchObject({
      method: 'GET',
      path: '/api/v1/chat/credit',
      status: 200,
      code: 200,
      operation: 'getCreditBalance',
      account: expect.stringMatching(/^acct_[0-9a-f]{12}$/),
    });
    expect(server.output().stdout).not.toContain('sk-cli-secret');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('stays quiet with --quiet and reports a port in use', async () => {
    const first = run(['--port', '0', '--quiet', '--timing', 'fast']);
    const [, url] = await first.waitFor(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const second = run(['--port', new URL(url as string).port]);
    expect(await second.exited).toBe(1);
    expect(second.output().stderr).toContain('already in use');
    // Once the server has stopped and its output has all been read, a log line for the request
    // above would be there.
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await first.closed;
    expect(first.output().stdout).not.toContain('"time"');
  });
});

describe('parseCli', () => {
  it('reads flags, then environment variables, then defaults', () => {
    expect(parseCli([], {})).toEqual({
      kind: 'serve',
      quiet: false,
      findPlayground: true,
      options: {
        port: 4010,
        host: '127.0.0.1',
        timing: 'realistic',
        rateLimit: true,
        httpStatusMirror: false,
        allowExternalFetch: false,
        loopbackOnly: false,
        admin: true,
      },
    });
    const parsed = parseCli(
      ['--api-key', 'a', '--api-key', 'b', '--no-rate-limit', '--timing', 'waiting=1s,generating=500'],
      {
        KLING_MOCK_CREDITS: '42',
        KLING_MOCK_TIMING: 'fast',
        KLING_MOCK_QUIET: '1',
      },
    );
    expect(parsed).toMatchObject({
      quiet: true,
      options: {
        apiKeys: ['a', 'b'],
        credits: 42,
        rateLimit: false,
        timing: { waitingMs: 1000, queuingMs: 0, generatingMs: 500 },
      },
    });
    expect(
      parseCli([], { KLING_MOCK_API_KEYS: 'x, y', KLING_MOCK_HTTP_STATUS_MIRROR: 'true' }),
    ).toMatchObject({
      options: { apiKeys: ['x', 'y'], httpStatusMirror: true },
    });
    expect(() => parseCli(['--timing', 'slow'], {})).toThrow('Invalid timing "slow"');
    expect(() => parseCli(['--port', '70000'], {})).toThrow('Invalid port');
  });

  it('reads the playground and proxy options; the proxy key only from KIE_API_KEY', () => {
    expect(parseCli(['--no-playground'], {})).toMatchObject({ findPlayground: false });
    expect(parseCli([], { KLING_MOCK_PLAYGROUND_DIR: '/srv/pg' })).toMatchObject({
      findPlayground: false,
      options: { playgroundDir: '/srv/pg' },
    });
    expect(parseCli(['--proxy', 'https://api.kie.ai/'], { KIE_API_KEY: ' real ' })).toMatchObject({
      options: { proxy: 'https://api.kie.ai', proxyApiKey: 'real' },
    });
    const upload = parseCli([], {
      KLING_MOCK_PROXY: 'http://127.0.0.1:9',
      KLING_MOCK_PROXY_UPLOAD_URL: 'http://u',
    });
    expect(upload).toMatchObject({ options: { proxy: 'http://127.0.0.1:9', proxyUploadUrl: 'http://u' } });
    expect(parseCli([], { KIE_API_KEY: 'real' })).not.toHaveProperty('options.proxyApiKey');
    expect(() => parseCli(['--proxy', 'api.kie.ai'], {})).toThrow('Invalid proxy URL');
  });
});

describe('drift flags', () => {
  it('parses --validate, --record and --replay, and their environment variables', () => {
    expect(
      parseCli(['--proxy', 'https://api.kie.ai', '--validate', '--record', 'cassettes'], {}),
    ).toMatchObject({ kind: 'serve', options: { validate: true, record: 'cassettes' } });
    expect(
      parseCli([], {
        KLING_MOCK_PROXY: 'http://127.0.0.1:9',
        KLING_MOCK_VALIDATE: '1',
        KLING_MOCK_RECORD: 'r',
      }),
    ).toMatchObject({ options: { validate: true, record: 'r' } });
    expect(parseCli(['--replay', 'cassettes'], {})).toMatchObject({ options: { replay: 'cassettes' } });
    expect(parseCli([], { KLING_MOCK_REPLAY: 'd' })).toMatchObject({ options: { replay: 'd' } });
  });

  it('refuses --validate and --record without --proxy', () => {
    expect(() => parseCli(['--validate'], {})).toThrow(
      '--validate checks what the proxy relays: add --proxy URL',
    );
    expect(() => parseCli(['--record', 'dir'], {})).toThrow('--record checks what the proxy relays');
  });

  it('lists them in --help', async () => {
    const { HELP } = await import('../src/cli-options');
    for (const flag of ['--validate', '--record DIR', '--replay DIR', 'KLING_MOCK_REPLAY']) {
      expect(HELP).toContain(flag);
    }
  });
});
