/**
 * The real-process check behind test/unit/cleanup.test.ts: a script that ends a request (aborted,
 * at a wait's deadline, failed or answered) must exit at once, not when a forgotten timer fires
 * (`timeoutMs` is 20 s there, a poll 60 s away). Each scenario runs the client, bundled from src/,
 * in a child Node process against a server of its own on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCENARIO_SCRIPT = fileURLToPath(new URL('./fixtures/exit-scenario.mjs', import.meta.url));
/**
 * How long a process may live after printing its outcome: a quarter of the shortest timer a leak
 * would leave (the 20 s request timeout; a poll is 60 s away), so a loaded machine has seconds of
 * room while a leaked timer still fails the test.
 */
const EXIT_WITHIN_MS = 5_000;
/** Below the 20 s request timeout too: a process a leaked timer keeps alive is killed, not waited for. */
const KILL_AFTER_MS = 15_000;

let directory: string;
let clientModule: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'kling-client-exit-'));
  clientModule = join(directory, 'client.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../../src/index.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: clientModule,
    logLevel: 'silent',
  });
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Runs a scenario: what it printed, and how long the process lived after printing it. */
function run(scenario: string): Promise<{ outcome: unknown; exitAfterMs: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCENARIO_SCRIPT, clientModule, scenario], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    let stdout = '';
    let stderr = '';
    let printedAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      printedAt ??= stdout.includes('\n') ? Date.now() : undefined;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(kill);
      if (printedAt === undefined) {
        reject(new Error(`"${scenario}" printed nothing (exit ${code}): ${stderr}`));
        return;
      }
      resolve({ outcome: JSON.parse(stdout), exitAfterMs: Date.now() - printedAt, code });
    });
  });
}

describe('a process using the client exits as soon as its work is done', () => {
  it.concurrent.each([
    ['abort before the request', { error: 'KlingAbortError' }],
    ['abort mid-request', { error: 'KlingAbortError' }],
    ['abort createTask mid-request', { error: 'KlingAbortError' }],
    ['wait deadline mid-poll', { error: 'WaitTimeoutError' }],
    ['abort a wait mid-poll', { error: 'KlingAbortError' }],
    ['abort a wait between polls', { error: 'KlingAbortError' }],
    ['fetch throwing', { error: 'KlingConnectionError' }],
    ['body failing mid-read', { error: 'KlingConnectionError' }],
    ['HTTP error', { error: 'KlingResponseError' }],
    ['success', { value: 42 }],
  ])(
    'after %s',
    async (scenario, expected) => {
      const { outcome, exitAfterMs, code } = await run(scenario);
      expect(outcome).toEqual(expected);
      expect(code).toBe(0);
      expect(exitAfterMs).toBeLessThan(EXIT_WITHIN_MS);
    },
    KILL_AFTER_MS + 5_000,
  );
});
