/**
 * Against Stoplight Prism 5.14.2 (the last that runs on Node 20), mocking the same spec/kling.yaml
 * in its fastest mode (`prism mock -m -v error`): throughput of createTask and recordInfo, and cold
 * start plus memory, interleaved with kling-mock in the same run. Prism is installed with npm into
 * bench/.prism on first use (pnpm pulls sub-packages that need Node 24 and break it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const root = new URL('../../', import.meta.url).pathname;
const prismDir = new URL('../.prism/', import.meta.url).pathname;
const prismBin = `${prismDir}node_modules/.bin/prism`;
const BODY = JSON.stringify({
  model: 'kling/v2-1-pro',
  input: {
    prompt: 'A paper boat drifting down a rain-soaked street',
    image_url: 'https://example.com/boat.jpg',
  },
});
const HEADERS = { Authorization: 'Bearer bench-key', 'Content-Type': 'application/json' };

/** Installs Prism on first use. */
export function ensurePrism() {
  if (!existsSync(prismBin)) {
    const result = spawnSync(
      'npm',
      ['i', '--no-audit', '--no-fund', '--prefix', prismDir, '@stoplight/prism-cli@5.14.2'],
      {
        stdio: 'ignore',
      },
    );
    if (result.status !== 0) {
      throw new Error('npm could not install @stoplight/prism-cli@5.14.2');
    }
  }
}

/** Starts a server process, resolving once `ready` answers; reports spawn-to-first-answer time. */
async function start(name, command, args, url) {
  const spawned = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  for (;;) {
    const base = typeof url === 'function' ? url(output) : url;
    if (base) {
      try {
        const answer = await fetch(`${base}/api/v1/chat/credit`, { headers: HEADERS });
        await answer.arrayBuffer();
        return { name, child, base, coldStartMs: performance.now() - spawned };
      } catch {
        // not listening yet
      }
    }
    if (child.exitCode !== null || performance.now() - spawned > 30_000) {
      throw new Error(`${name} did not start`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const startMock = () =>
  start(
    'kling-mock',
    process.execPath,
    [
      `${root}apps/mock-server/dist/cli.js`,
      '--port',
      '0',
      '--quiet',
      '--no-rate-limit',
      '--timing',
      'fast',
      '--credits',
      '1000000000000',
    ],
    (output) => /listening on (http:\/\/\S+)/.exec(output)?.[1],
  );
let prismPort = 4700;
const startPrism = () => {
  const port = prismPort++;
  return start(
    'prism',
    prismBin,
    ['mock', '-m', '-v', 'error', '-p', String(port), `${root}spec/kling.yaml`],
    `http://127.0.0.1:${port}`,
  );
};

async function load(base, _operation, seconds) {
  const result = await autocannon({
    url: `${base}/api/v1/jobs/createTask`,
    method: 'POST',
    headers: HEADERS,
    body: BODY,
    connections: 10,
    duration: seconds,
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Throughput, cold start and RSS of kling-mock and Prism, interleaved. */
export async function versusPrism({ seconds = 5, rounds = 2 } = {}) {
  ensurePrism();
  const runs = { createTask: { mock: [], prism: [] }, recordInfo: { mock: [], prism: [] } };
  const cold = { mock: [], prism: [] };
  const rss = { mock: 0, prism: 0 };
  for (let round = 0; round < rounds; round++) {
    for (const [side, launch] of round % 2 === 0
      ? [
          ['mock', startMock],
          ['prism', startPrism],
        ]
      : [
          ['prism', startPrism],
          ['mock', startMock],
        ]) {
      const server = await launch();
      try {
        cold[side].push(server.coldStartMs);
        if (side === 'mock') {
          // The mock answers recordInfo only for tasks it created.
          const created = await (
            await fetch(`${server.base}/api/v1/jobs/createTask`, {
              method: 'POST',
              headers: HEADERS,
              body: BODY,
            })
          ).json();
          server.taskId = created.data.taskId;
        }
        await load(server.base, 'createTask', 1);
        runs.createTask[side].push(await load(server.base, 'createTask', seconds));
        runs.recordInfo[side].push(await loadRecord(server, seconds));
        rss[side] = Math.max(rss[side], rssMiB(server.child.pid));
      } finally {
        server.child.kill('SIGTERM');
      }
    }
  }
  const summary = (operation) => {
    const mock = median(runs[operation].mock.map((run) => run.rps));
    const prism = median(runs[operation].prism.map((run) => run.rps));
    return {
      mock,
      prism,
      ratio: mock / prism,
      errors: [...runs[operation].mock, ...runs[operation].prism].reduce((n, run) => n + run.errors, 0),
    };
  };
  return {
    createTask: summary('createTask'),
    recordInfo: summary('recordInfo'),
    coldStartMs: { mock: median(cold.mock), prism: median(cold.prism) },
    rssMiB: rss,
  };
}

async function loadRecord(server, seconds) {
  const taskId = server.taskId ?? 'e989621f54392584b05867f87b160672';
  const result = await autocannon({
    url: `${server.base}/api/v1/jobs/recordInfo?taskId=${taskId}`,
    headers: HEADERS,
    connections: 10,
    duration: seconds,
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}
