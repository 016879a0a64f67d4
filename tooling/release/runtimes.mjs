#!/usr/bin/env node
/**
 * `pnpm test:runtimes`: the consumer smoke test (smoke/smoke.mjs: create the seed example, wait,
 * verify the signed callback) of the built client against the mock on loopback, on every runtime
 * the client claims: Node 20 (this one), Node 22 and 24 (npm `node`), Bun and Deno (their npm
 * packages), and Chromium (a page that imports the ESM build through an import map).
 * The runtimes are installed into `.runtimes/` (git-ignored) with `npm i --prefix`, once.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { startMockServer } from '@kling-kit/mock-server';
import { chromium } from 'playwright-core';
import { ensureRuntime, here, RUNTIMES, readJson, repoRoot, run, withTimeout } from './lib.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const HMAC_KEY = 'runtime-matrix-hmac-key';
const SMOKE = join(here, 'smoke', 'server-runtime.mjs');

function lastJsonLine(output) {
  const line = output
    .trim()
    .split('\n')
    .findLast((candidate) => candidate.startsWith('{'));
  return line ? JSON.parse(line) : undefined;
}

async function serverRuntime(label, bin, args, mock, key) {
  try {
    const output = await run(bin, [...args, SMOKE, mock.url, HMAC_KEY, key], {
      cwd: here,
      timeoutMs: 90_000,
    });
    const result = lastJsonLine(output);
    if (!result?.ok) {
      throw new Error(output);
    }
    return { label, ok: true, version: result.runtime, ms: result.ms, states: result.states };
  } catch (error) {
    return { label, ok: false, error: error.output ?? String(error) };
  }
}

/** A package's root folder as the tooling package resolves it (pnpm symlinks, followed). */
const packageRoot = (from, name) => realpathSync(join(from, 'node_modules', ...name.split('/')));

const BROWSER_CONDITIONS = new Set(['browser', 'import', 'default']);

/** An `exports` target resolved as a browser bundler would: first matching condition in key order. */
function browserTarget(target) {
  if (typeof target === 'string' || target === null) {
    return target;
  }
  for (const [condition, value] of Object.entries(target)) {
    const file = BROWSER_CONDITIONS.has(condition) ? browserTarget(value) : undefined;
    if (file) {
      return file;
    }
  }
  return undefined;
}

/** An import map that serves each package from /pkg/<name>/ following its `exports` (import condition). */
function importMap(roots) {
  const imports = {};
  for (const [name, root] of Object.entries(roots)) {
    const { exports } = readJson(join(root, 'package.json'));
    for (const [subpath, target] of Object.entries(exports)) {
      const file = browserTarget(target);
      if (subpath.includes('*') || typeof file !== 'string' || !file.endsWith('js')) {
        continue;
      }
      imports[`${name}${subpath.slice(1)}`] = `/pkg/${name}/${file.slice(2)}`;
    }
  }
  return { imports };
}

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.map': 'application/json',
};

/** Serves the page, the packages' files, and relays the mock's callbacks to the page. */
async function startPageServer(roots) {
  const deliveries = [];
  const page = readFileSync(join(here, 'smoke', 'browser.html'), 'utf8').replace(
    /<script type="importmap">[^<]*<\/script>/,
    `<script type="importmap">${JSON.stringify(importMap(roots))}</script>`,
  );
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/kie-callback') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        deliveries.push({ body, headers: req.headers });
        res.writeHead(200).end('ok');
      });
      return;
    }
    if (url.pathname === '/deliveries') {
      const taskId = url.searchParams.get('taskId') ?? '';
      const found = deliveries.find((delivery) => delivery.body.includes(`"${taskId}"`));
      res
        .writeHead(found ? 200 : 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(found ?? null));
      return;
    }
    let file;
    if (url.pathname === '/' || url.pathname === '/browser.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    if (url.pathname === '/smoke.mjs') {
      file = join(here, 'smoke', 'smoke.mjs');
    } else if (url.pathname.startsWith('/pkg/')) {
      const rest = decodeURIComponent(url.pathname.slice('/pkg/'.length));
      const name = Object.keys(roots).find((candidate) => rest.startsWith(`${candidate}/`));
      if (name) {
        const candidate = normalize(join(roots[name], rest.slice(name.length + 1)));
        file = candidate.startsWith(roots[name] + sep) ? candidate : undefined;
      }
    }
    if (!file || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function browserRuntime(mock) {
  if (!existsSync(CHROMIUM)) {
    return {
      label: 'Chromium',
      ok: false,
      error: `${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    };
  }
  const clientRoot = packageRoot(here, '@kling-kit/client');
  const roots = {
    '@kling-kit/client': clientRoot,
    '@kling-kit/contract': packageRoot(clientRoot, '@kling-kit/contract'),
    'openapi-fetch': packageRoot(clientRoot, 'openapi-fetch'),
  };
  const pageServer = await startPageServer(roots);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const problems = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        problems.push(`console: ${message.text()}`);
      }
    });
    const query = new URLSearchParams({ mock: mock.url, hmac: HMAC_KEY, key: 'runtime-chromium' });
    await page.goto(`${pageServer.url}/browser.html?${query}`);
    await page.waitForFunction(() => window.__smoke !== undefined, undefined, { timeout: 60_000 });
    const result = await page.evaluate(() => window.__smoke);
    if (!result.ok || problems.length > 0) {
      return { label: 'Chromium', ok: false, error: [result.error, ...problems].filter(Boolean).join('\n') };
    }
    return {
      label: 'Chromium',
      ok: true,
      version: `chromium ${browser.version()}`,
      ms: result.ms,
      states: result.states,
    };
  } catch (error) {
    return { label: 'Chromium', ok: false, error: [String(error), ...problems].join('\n') };
  } finally {
    await browser.close();
    await pageServer.close();
  }
}

async function main() {
  const started = Date.now();
  const runtimes = [];
  for (const runtime of RUNTIMES) {
    runtimes.push({ ...runtime, path: await ensureRuntime(runtime) });
  }
  const mock = await startMockServer({ port: 0, timing: 'fast', hmacKey: HMAC_KEY, loopbackOnly: true });
  const results = [];
  try {
    results.push(await serverRuntime('Node 20 (system)', process.execPath, [], mock, 'runtime-node20'));
    for (const runtime of runtimes) {
      results.push(
        await serverRuntime(
          `${runtime.pkg}@${runtime.version}`,
          runtime.path,
          runtime.args,
          mock,
          `runtime-${runtime.id}`,
        ),
      );
    }
    results.push(await withTimeout(browserRuntime(mock), 120_000, 'the Chromium run'));
  } finally {
    await mock.close();
  }
  const client = readJson(join(repoRoot, 'packages', 'client', 'package.json'));
  console.info(
    `\n@kling-kit/client ${client.version} consumer smoke test (create seed example, wait, verify callback):`,
  );
  for (const result of results) {
    const detail = result.ok ? `${result.version}, ${result.ms} ms, ${result.states.join(' → ')}` : 'FAILED';
    console.info(`  ${result.ok ? 'ok  ' : 'FAIL'} ${result.label.padEnd(18)} ${detail}`);
    if (!result.ok) {
      console.error(
        result.error
          .split('\n')
          .map((line) => `       ${line}`)
          .join('\n'),
      );
    }
  }
  const failed = results.filter((result) => !result.ok).length;
  console.info(
    `runtimes: ${results.length - failed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
