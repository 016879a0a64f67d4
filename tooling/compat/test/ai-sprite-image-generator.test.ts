/**
 * `ai-sprite-image-generator` 1.0.7, unmodified: its CLI has no base-URL setting, so it runs with
 * `hooks/kie-ai-host.mjs`, which sends its `fetch` calls to `https://api.kie.ai` to the recording
 * proxy in front of kling-mock. It always sends `callBackUrl: ""` and inputs made for image models.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIssues, UNKNOWN_MODEL_MESSAGE, validateCreateTaskRequest } from '@kling-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, type CompatEnv, startCompatEnv } from './support/compat-env';
import type { Exchange } from './support/recording-proxy';
import { allSpecProblems } from './support/spec-check';

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('ai-sprite-image-generator/package.json')), 'dist/cli.js');
const hostHook = fileURLToPath(new URL('../hooks/kie-ai-host.mjs', import.meta.url));

let env: CompatEnv;

beforeAll(async () => {
  env = await startCompatEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Runs the CLI with its own arguments; resolves with its exit code and everything it printed. */
function runCli(args: string[]): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      // NODE_OPTIONS (inherited) already imports the loopback guard; the hook comes on top.
      ['--import', hostHook, cli, 'Icons of garden tools', '-o', join(env.dir, 'out'), ...args],
      {
        env: { ...process.env, KIE_API_KEY: API_KEY, KIE_AI_COMPAT_TARGET: env.proxy.url, NO_COLOR: '1' },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        resolve({ exitCode: error ? Number(error.code ?? 1) : 0, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/** The createTask exchanges recorded since `from`. */
function createTasksSince(from: number): Exchange[] {
  return env.proxy.exchanges.slice(from).filter((exchange) => exchange.path === '/api/v1/jobs/createTask');
}

describe('ai-sprite-image-generator against kling-mock', () => {
  it('with -m kling/v2-1-pro: a 422 naming its real input problems, not callBackUrl', async () => {
    const from = env.proxy.exchanges.length;
    const { exitCode, output } = await runCli(['-m', 'kling/v2-1-pro']);
    const creates = createTasksSince(from);
    expect(creates).toHaveLength(1);
    const [create] = creates as [Exchange];
    const sent = JSON.parse(create.requestBody);
    expect(sent).toMatchObject({ model: 'kling/v2-1-pro', callBackUrl: '' });

    // What a faithful kie.ai finds wrong with that body: the contract's own verdict on it.
    const verdict = validateCreateTaskRequest(sent);
    expect(verdict.ok).toBe(false);
    const realProblems = new Set(verdict.issues?.map((issue) => issue.path));
    expect(realProblems.has('callBackUrl')).toBe(false);

    const answer = JSON.parse(create.responseBody) as { code: number; msg: string; data: unknown };
    expect(answer).toMatchObject({ code: 422, data: null });
    const named = answer.msg.split('; ').map((problem) => problem.split(':')[0]);
    expect(named.length).toBeGreaterThan(0);
    for (const path of named) {
      expect(realProblems, `${answer.msg} (contract: ${formatIssues(verdict.issues ?? [])})`).toContain(path);
    }
    expect(answer.msg).not.toMatch(/callBackUrl/i);

    expect(exitCode).toBe(1);
    expect(output).toContain(answer.msg);
  });

  it("with its default image model: kie.ai's unknown-model answer reaches its output", async () => {
    const from = env.proxy.exchanges.length;
    const { exitCode, output } = await runCli([]);
    const creates = createTasksSince(from);
    expect(creates).toHaveLength(1);
    const [create] = creates as [Exchange];
    expect(JSON.parse(create.requestBody)).toMatchObject({ model: 'nano-banana-pro', callBackUrl: '' });
    expect(JSON.parse(create.responseBody)).toEqual({ code: 422, msg: UNKNOWN_MODEL_MESSAGE, data: null });
    expect(exitCode).toBe(1);
    expect(output).toContain(UNKNOWN_MODEL_MESSAGE);
  });
});

describe('what the CLI saw', () => {
  it('every answer it got is what the spec says', () => {
    expect(env.proxy.exchanges).toHaveLength(2);
    expect(allSpecProblems(env.proxy.exchanges)).toEqual([]);
  });
});
