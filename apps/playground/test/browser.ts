/**
 * The e2e's real components: Debian's Chromium through playwright-core, and the built `kling-mock`
 * CLI on a free port in fast timing (as `pnpm start` runs it, so it finds the playground itself).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/** Screenshots land here (gitignored). */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');

const CHROMIUM_CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** The Chromium executable, or an error naming the install command: the e2e never skips. */
export function findChromium(candidates: readonly (string | undefined)[] = CHROMIUM_CANDIDATES): string {
  const found = candidates.find((path): path is string => Boolean(path && existsSync(path)));
  if (!found) {
    throw new Error(
      `No Chromium found (looked for ${candidates.filter(Boolean).join(', ')}). ` +
        'The playground e2e needs a real browser: run `apt-get update && apt-get install -y chromium` ' +
        '(or set CHROMIUM_PATH to a Chromium or Chrome binary).',
    );
  }
  return found;
}

/** Launches headless Chromium with the flags proven on Debian (see TOOLCHAIN.md). */
export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A running `kling-mock` child process. */
export interface MockProcess {
  url: string;
  /** The CLI's startup lines (they name the playground URL). */
  banner: string;
  stop(): Promise<void>;
}

/** Starts the built CLI (`--port 0 --timing fast`) and resolves once it prints its URL. */
export async function startMockCli(extraArgs: readonly string[] = []): Promise<MockProcess> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@kling-kit/mock-server/package.json'));
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    throw new Error(`${cli} is missing: build the mock server first (pnpm build)`);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, '--port', '0', '--timing', 'fast', '--quiet', '--seed', 'e2e', '--loopback-only', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kling-mock did not start: ${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match && output.includes('admin:')) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kling-mock exited with ${code}: ${output}`));
    });
  });
  return {
    url,
    banner: output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
