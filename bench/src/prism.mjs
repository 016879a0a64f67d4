/**
 * Against Stoplight Prism 5.14.2 (the last that runs on Node 20), mocking the same spec/kling.yaml
 * in its fastest mode (`prism mock -m -v error`): throughput of createTask and recordInfo, and cold
 * start plus memory, interleaved with kling-mock in the same run. Prism is installed with npm into
 * bench/.prism on first use (pnpm pulls sub-packages that need Node 24 and break it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { median } from './median.mjs';

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

/** Autocannon against createTask, for `seconds` or for `amount` requests. */
async function load(base, { seconds, amount }) {
  const result = await autocannon({
    url: `${base}/api/v1/jobs/createTask`,
    method: 'POST',
    headers: HEADERS,
    body: BODY,
    connections: 10,
    ...(amount ? { amount } : { duration: seconds }),
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const LAUNCHERS = { mock: startMock, prism: startPrism };
/** Sides in alternating order, so neither always runs first. */
const sidesFor = (round) => (round % 2 === 0 ? ['mock', 'prism'] : ['prism', 'mock']);

/** Stops a server and waits until its process is gone. */
async function stop(server) {
  if (server.child.exitCode === null) {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
}

/** The mock answers recordInfo only for tasks it created: creates one to query. */
async function prepare(server) {
  if (server.name === 'kling-mock') {
    const answer = await fetch(`${server.base}/api/v1/jobs/createTask`, {
      method: 'POST',
      headers: HEADERS,
      body: BODY,
    });
    server.taskId = (await answer.json()).data.taskId;
  }
}

/** Tasks the mock holds (from /healthz); Prism keeps none. */
async function heldTasks(server) {
  if (server.name !== 'kling-mock') {
    return 0;
  }
  return (await (await fetch(`${server.base}/healthz`)).json()).tasks;
}

/**
 * Throughput, cold start and memory of kling-mock and Prism, interleaved in one run:
 * - cold start: spawn → first answered request, `coldStarts` times each, a fresh process each time;
 * - footprint: a fresh process each, RSS 3 s after the same short load as the mock's own benchmark
 *   (2 000 createTask + 2 000 recordInfo);
 * - throughput: `rounds` fresh processes each, createTask then recordInfo for `seconds` each, and the
 *   RSS after those runs with the number of tasks the mock then holds.
 */
export async function versusPrism({ seconds = 5, rounds = 2, coldStarts = 5 } = {}) {
  ensurePrism();
  const cold = { mock: [], prism: [] };
  for (let round = 0; round < coldStarts; round++) {
    for (const side of sidesFor(round)) {
      const server = await LAUNCHERS[side]();
      cold[side].push(server.coldStartMs);
      await stop(server);
    }
  }

  const footprint = {};
  for (const side of sidesFor(0)) {
    const server = await LAUNCHERS[side]();
    try {
      await prepare(server);
      await load(server.base, { amount: 2_000 });
      await loadRecord(server, { amount: 2_000 });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      footprint[side] = rssMiB(server.child.pid);
    } finally {
      await stop(server);
    }
  }

  const runs = { createTask: { mock: [], prism: [] }, recordInfo: { mock: [], prism: [] } };
  const afterThroughput = { mock: { rss: 0, tasks: 0 }, prism: { rss: 0, tasks: 0 } };
  for (let round = 0; round < rounds; round++) {
    for (const side of sidesFor(round)) {
      const server = await LAUNCHERS[side]();
      try {
        await prepare(server);
        await load(server.base, { seconds: 1 });
        runs.createTask[side].push(await load(server.base, { seconds }));
        runs.recordInfo[side].push(await loadRecord(server, { seconds }));
        const rss = rssMiB(server.child.pid);
        if (rss > afterThroughput[side].rss) {
          afterThroughput[side] = { rss, tasks: await heldTasks(server) };
        }
      } finally {
        await stop(server);
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
      p99: {
        mock: median(runs[operation].mock.map((run) => run.p99)),
        prism: median(runs[operation].prism.map((run) => run.p99)),
      },
      errors: [...runs[operation].mock, ...runs[operation].prism].reduce((n, run) => n + run.errors, 0),
    };
  };
  return {
    createTask: summary('createTask'),
    recordInfo: summary('recordInfo'),
    coldStartMs: { mock: median(cold.mock), prism: median(cold.prism) },
    coldStartRuns: cold,
    footprintMiB: footprint,
    afterThroughput,
  };
}

/** Autocannon against recordInfo (the mock's own task, or the spec's example id for Prism). */
async function loadRecord(server, { seconds, amount }) {
  const taskId = server.taskId ?? 'e989621f54392584b05867f87b160672';
  const result = await autocannon({
    url: `${server.base}/api/v1/jobs/recordInfo?taskId=${taskId}`,
    headers: HEADERS,
    connections: 10,
    ...(amount ? { amount } : { duration: seconds }),
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}
