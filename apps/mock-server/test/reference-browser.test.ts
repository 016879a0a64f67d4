/**
 * `/reference` in real Chromium (headless, through playwright-core), served by the built CLI, with
 * every request to a host other than the mock aborted: Redoc must render the spec from the mock's
 * own files, without a failed request or a console error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spec } from '@kling-kit/contract';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts the built CLI on a free port and resolves with its URL. */
function startCli(): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} is missing: build the mock server first (pnpm --filter @kling-kit/mock-server build)`,
    );
  }
  const child = spawn(process.execPath, [CLI, '--port', '0', '--no-playground', '--quiet'], {
    stdio: 'pipe',
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        resolve({ child, url: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`kling-mock exited with ${code}: ${output}`)));
  });
}

let cli: { child: ChildProcess; url: string };
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH).`,
    );
  }
  cli = await startCli();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The flags the playground's e2e runs Debian's Chromium with.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (cli && cli.child.exitCode === null) {
    const exited = new Promise((resolve) => cli.child.once('exit', resolve));
    cli.child.kill('SIGTERM');
    await exited;
  }
});

describe('/reference in Chromium, offline', () => {
  it('renders every operation of the spec with Redoc, loading nothing from elsewhere', async () => {
    const page = await browser.newPage();
    const origin = new URL(cli.url).origin;
    const aborted: string[] = [];
    const failed: string[] = [];
    const errors: string[] = [];
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) {
        await route.continue();
      } else {
        aborted.push(url);
        await route.abort();
      }
    });
    page.on('requestfailed', (request) => failed.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        errors.push(message.text());
      }
    });
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${cli.url}/reference`);
    expect(await page.title()).toBe('Kling video API reference (kling-mock)');
    await page.locator('h1', { hasText: spec.info.title }).waitFor({ timeout: 30_000 });
    const summaries = Object.values(spec.paths).flatMap((item) =>
      Object.values(item).map((operation) => (operation as { summary: string }).summary),
    );
    expect(summaries).toContain(spec.paths['/api/v1/jobs/createTask'].post.summary);
    for (const summary of summaries) {
      // Each operation's heading in the middle panel, not only its entry in the side menu.
      await page.locator('h2', { hasText: summary }).first().waitFor({ timeout: 10_000 });
    }

    expect({ aborted, failed, errors }).toEqual({ aborted: [], failed: [], errors: [] });
  }, 90_000);
});
