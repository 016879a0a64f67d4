#!/usr/bin/env node
// `pnpm --filter @kling-kit/mock-server bench`: measures the built mock (dist/) side by side with a bare
// Express 5 server in one run: throughput (autocannon), memory per held task and under churn, cold start.
// Every server runs in its own process on 127.0.0.1; the script reports and exits 0 even when a goal is
// missed, 1 when something crashes. Flags: --duration=SECONDS per autocannon run (5), --rounds=N (2).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { parse as parseYaml } from 'yaml';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const INDEX_URL = new URL('../dist/index.js', import.meta.url).href;
const SPEC = fileURLToPath(new URL('../../../spec/kling.yaml', import.meta.url));
const RESULTS = fileURLToPath(new URL('../bench-results.md', import.meta.url));
const API_KEY = 'bench-key';
const CREDITS = '1000000000000';
const CONNECTIONS = 10;
const GOALS = { ratio: 0.7, coldStartMs: 300, rssMiB: 130 };
const MB = 1024 * 1024;

/** Child processes still running: killed on every way out. */
const children = new Set();
/** Runs that were not clean (non-2xx, errors, wrong envelope): listed in the report. */
const problems = [];
/** Keep-alive sockets for the script's own requests. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
/** When the script started (performance.now()). */
const startedAt = performance.now();

/** Writes a progress line to the terminal, with the seconds since the start. */
function info(line) {
  console.info(`[bench ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${line}`);
}

// A bare Express 5 server: the same two routes and JSON, no validation, no state. It takes the mock's app
// settings (no x-powered-by, no ETag, simple query parser) so only the mock's own work differs.
const BARE_SERVER = `
import { randomBytes } from 'node:crypto';
import express from 'express';
const record = JSON.parse(process.env.BENCH_RECORD);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.set('query parser', 'simple');
app.post('/api/v1/jobs/createTask', express.json({ limit: '1mb' }), (_req, res) => {
  res.json({ code: 200, msg: 'success', data: { taskId: randomBytes(16).toString('hex') } });
});
app.get('/api/v1/jobs/recordInfo', (req, res) => {
  res.json({ ...record, data: { ...record.data, taskId: String(req.query.taskId) } });
});
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok', tasks: 0 });
});
const server = app.listen(0, '127.0.0.1', () => {
  console.info('bare express listening on http://127.0.0.1:' + server.address().port);
});
server.keepAliveTimeout = 5000;
`;

// A callback receiver (plain node:http): where the mock POSTs the callbacks of finished tasks.
const CALLBACK_SINK = `
import http from 'node:http';
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('ok'));
});
server.listen(0, '127.0.0.1', () => {
  console.info('callback sink listening on http://127.0.0.1:' + server.address().port);
});
`;

// The mock in-process, steered over IPC: start, measure (after gc), advance the clock, close.
const MEMORY_CHILD = `
import { startMockServer } from ${JSON.stringify(INDEX_URL)};
let mock;
const tick = () => new Promise((resolve) => setImmediate(resolve));
async function measure() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await tick();
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss };
}
async function handle(message) {
  if (message.cmd === 'start') {
    mock = await startMockServer(message.options);
    return { url: mock.url };
  }
  if (message.cmd === 'measure') {
    return measure();
  }
  if (message.cmd === 'advance') {
    const clock = mock.admin.advanceClock(message.ms);
    await mock.admin.settleCallbacks();
    return clock;
  }
  if (message.cmd === 'deliveries') {
    const log = mock.admin.deliveries();
    return { total: log.length, failed: log.filter((entry) => entry.outcome === 'failed').length };
  }
  if (message.cmd === 'close') {
    await mock.close();
    return {};
  }
  throw new Error('unknown command ' + message.cmd);
}
process.on('message', (message) => {
  handle(message).then(
    (result) => process.send({ id: message.id, result }),
    (error) => process.send({ id: message.id, error: String((error && error.stack) || error) }),
  );
});
`;

/** Reads --duration and --rounds. */
function readFlags() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const duration = Number(values.duration);
  const rounds = Number(values.rounds);
  if (!(duration >= 1 && duration <= 60)) {
    throw new Error(`--duration must be between 1 and 60 seconds (got ${values.duration})`);
  }
  if (!(Number.isInteger(rounds) && rounds >= 2 && rounds <= 10)) {
    throw new Error(`--rounds must be an integer between 2 and 10 (got ${values.rounds})`);
  }
  return { duration, rounds };
}

/** The seed createTask example and the success record example, from spec/kling.yaml. */
function loadExamples() {
  const spec = parseYaml(readFileSync(SPEC, 'utf8'));
  const seed = spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples;
  const record = spec.paths['/api/v1/jobs/recordInfo'].get.responses['200'].content['application/json'];
  return { seed: seed.seed.value, successRecord: record.examples.success.value };
}

/** The seed body with its callBackUrl pointed at `callBackUrl` (loopback), or removed when null. */
function seedBody(seed, callBackUrl) {
  const { callBackUrl: _external, ...rest } = seed;
  return callBackUrl ? { ...rest, callBackUrl } : rest;
}

/** Starts a Node child process that is tracked for cleanup; stderr is kept for error messages. */
function spawnNode(args, options = {}) {
  const child = spawn(process.execPath, args, {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  children.add(child);
  child.stderrText = '';
  child.stderr.on('data', (chunk) => {
    child.stderrText = (child.stderrText + chunk).slice(-4000);
  });
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves with the `listening on http://127.0.0.1:PORT` URL a child prints on stdout. */
function listeningUrl(child, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => fail(new Error(`no "listening on" line within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onExit = (code, signal) => fail(new Error(`exited (${signal ?? code}) before listening`));
    const onData = (chunk) => {
      text += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) {
        cleanup();
        resolve(match[1]);
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      child.stdout.resume();
    };
    const fail = (error) => {
      cleanup();
      reject(new Error(`${error.message}\n${child.stderrText}`));
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Stops a child: SIGTERM, SIGKILL after 3 s. */
async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** Kills every child still running (synchronous: used on errors, SIGINT and exit). */
function killAll() {
  for (const child of children) {
    child.kill('SIGKILL');
  }
}

/** One request on loopback; resolves with the status and the parsed JSON answer. */
function requestJson(method, url, body, requestAgent = agent) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { Authorization: `Bearer ${API_KEY}` };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const req = http.request(url, { method, headers, agent: requestAgent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.end(payload);
  });
}

/** Creates one task and returns its id (throws on any other envelope). */
async function createTask(url, body) {
  const { json } = await requestJson('POST', `${url}/api/v1/jobs/createTask`, body);
  if (json?.code !== 200) {
    throw new Error(`createTask answered ${JSON.stringify(json)}`);
  }
  return json.data.taskId;
}

/** Creates `count` tasks, `concurrency` at a time on keep-alive sockets. */
async function createTasks(url, body, count, concurrency = 8) {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      await createTask(url, body);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The live task count the server reports on /healthz. */
async function healthTasks(url) {
  const { json } = await requestJson('GET', `${url}/healthz`);
  return json.tasks;
}

/** Polls recordInfo until the task has succeeded; returns the envelope. */
async function waitForSuccess(url, taskId, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { json } = await requestJson('GET', `${url}/api/v1/jobs/recordInfo?taskId=${taskId}`);
    if (json?.data?.state === 'success') {
      return json;
    }
    await sleep(100);
  }
  throw new Error(`task ${taskId} did not succeed within ${timeoutMs} ms`);
}

/** Median of numbers. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** PASS or MISS. */
function verdict(ok) {
  return ok ? 'PASS' : 'MISS';
}

/** A number with fixed decimals and thousands separators. */
function fmt(value, decimals = 0) {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** One autocannon run of `limit` seconds (or `{amount}` requests); notes any non-2xx, error or timeout. */
async function load(label, target, op, limit) {
  const result = await autocannon({
    url: `${target.url}${op.path}`,
    method: op.method,
    headers: op.headers,
    body: op.body,
    connections: CONNECTIONS,
    pipelining: 1,
    ...(typeof limit === 'number' ? { duration: limit } : limit),
  });
  const run = {
    rps: result.requests.average,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  if (run.non2xx !== 0 || run.errors !== 0 || run.timeouts !== 0) {
    problems.push(`${label}: non2xx ${run.non2xx}, errors ${run.errors}, timeouts ${run.timeouts}`);
  }
  return run;
}

/** A createTask run on the mock, checked against /healthz: every 2xx answer must have made a task. */
async function loadCreate(label, target, op, seconds) {
  const before = await healthTasks(target.url);
  const run = await load(label, target, op, seconds);
  const created = (await healthTasks(target.url)) - before;
  if (created < run.total) {
    problems.push(`${label}: ${run.total} answers but only ${created} tasks created (error envelopes?)`);
  }
  return run;
}

/** A recordInfo run, then one sample answer checked for a success record. */
async function loadRecord(label, target, op, seconds) {
  const run = await load(label, target, op, seconds);
  const { json } = await requestJson('GET', `${target.url}${op.path}`);
  if (json?.code !== 200 || json.data?.state !== 'success') {
    problems.push(`${label}: sample answer is not a success record: ${JSON.stringify(json).slice(0, 200)}`);
  }
  return run;
}

/** The autocannon request descriptions of the measured operations. */
function operations(seed, sinkUrl, taskId) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };
  const create = (callBackUrl) => ({
    method: 'POST',
    path: '/api/v1/jobs/createTask',
    headers,
    body: JSON.stringify(seedBody(seed, callBackUrl)),
  });
  return {
    createTask: create(null),
    createTaskCallback: create(`${sinkUrl}/callback`),
    recordInfo: {
      method: 'GET',
      path: `/api/v1/jobs/recordInfo?taskId=${taskId}`,
      headers: { authorization: `Bearer ${API_KEY}` },
    },
  };
}

/** Starts the mock CLI as its own process. */
async function startMockCli(extraArgs = []) {
  const child = spawnNode([
    CLI,
    '--port',
    '0',
    '--timing',
    'fast',
    '--quiet',
    '--no-rate-limit',
    '--credits',
    CREDITS,
    ...extraArgs,
  ]);
  return { name: 'mock', child, url: await listeningUrl(child) };
}

/** Starts the bare Express server as its own process. */
async function startBare(successRecord) {
  const child = spawnNode(['--input-type=module', '-e', BARE_SERVER], {
    env: { ...process.env, BENCH_RECORD: JSON.stringify(successRecord) },
  });
  return { name: 'bare', child, url: await listeningUrl(child) };
}

/** Starts the callback receiver. */
async function startSink() {
  const child = spawnNode(['--input-type=module', '-e', CALLBACK_SINK]);
  return { child, url: await listeningUrl(child) };
}

/** Throughput: mock vs bare Express, interleaved rounds of autocannon runs, medians per operation. */
async function benchThroughput({ duration, rounds }, examples, sinkUrl) {
  const mock = await startMockCli();
  const bare = await startBare(examples.successRecord);
  try {
    const taskId = await createTask(mock.url, seedBody(examples.seed, `${sinkUrl}/callback`));
    await waitForSuccess(mock.url, taskId);
    const ops = operations(examples.seed, sinkUrl, taskId);
    info('throughput: warming up (1 s per target and operation)');
    for (const target of [mock, bare]) {
      await load(`warm-up ${target.name} createTask`, target, ops.createTask, 1);
      await load(`warm-up ${target.name} recordInfo`, target, ops.recordInfo, 1);
    }
    await sleep(3_000);
    const runs = { createTask: [], createTaskCallback: [], recordInfo: [] };
    for (let round = 1; round <= rounds; round++) {
      // Alternate who goes first, so a drift of the machine does not always favour the same target.
      const order = round % 2 ? [mock, bare] : [bare, mock];
      for (const opName of ['createTask', 'recordInfo']) {
        const pair = {};
        for (const target of order) {
          const label = `round ${round} ${target.name} ${opName}`;
          info(`throughput: ${label} (${duration} s)`);
          const measure = opName === 'recordInfo' ? loadRecord : target === mock ? loadCreate : load;
          pair[target.name] = await measure(label, target, ops[opName], duration);
          await sleep(1_000);
        }
        runs[opName].push(pair);
      }
      const label = `round ${round} mock createTask + callback`;
      info(`throughput: ${label} (${duration} s)`);
      const withCallback = await loadCreate(label, mock, ops.createTaskCallback, duration);
      runs.createTaskCallback.push({ mock: withCallback, bare: runs.createTask.at(-1).bare });
      // Tasks finish (and call back) up to 2.4 s after creation: let that work end before the next run.
      await sleep(3_000);
    }
    return { runs, mockTasks: await healthTasks(mock.url) };
  } finally {
    await Promise.all([stopChild(mock.child), stopChild(bare.child)]);
  }
}

/** Starts the in-process mock in a `--expose-gc` child and returns a function to send it commands. */
async function startMemoryChild(options) {
  const child = spawnNode(['--expose-gc', '--input-type=module', '-e', MEMORY_CHILD], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout.resume();
  const pending = new Map();
  let nextId = 0;
  child.on('message', ({ id, result, error }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error) {
      waiter?.reject(new Error(error));
    } else {
      waiter?.resolve(result);
    }
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`memory child exited (${signal ?? code})\n${child.stderrText}`));
    }
  });
  const send = (cmd, extra = {}) =>
    new Promise((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve, reject });
      child.send({ id: nextId, cmd, ...extra });
    });
  const { url } = await send('start', { options });
  return { child, url, send };
}

/** Memory held by 10 000 pending tasks (heap and RSS after gc). */
async function benchHeldTasks(examples) {
  const timing = { waitingMs: 3_600_000, queuingMs: 0, generatingMs: 0 };
  const mock = await startMemoryChild({ port: 0, timing, rateLimit: false, credits: 1e12 });
  try {
    // The tasks never finish here, so their callBackUrl is never called; it only has to look real.
    const body = seedBody(examples.seed, 'http://127.0.0.1:9/api/callback');
    info('memory: 500 warm-up tasks, then 10 000 held tasks');
    await createTasks(mock.url, body, 500);
    const before = await mock.send('measure');
    await createTasks(mock.url, body, 10_000);
    const after = await mock.send('measure');
    const tasks = await healthTasks(mock.url);
    if (tasks !== 10_500) {
      problems.push(`memory: /healthz reports ${tasks} tasks, expected 10 500`);
    }
    await mock.send('close');
    return {
      heapMB: (after.heapUsed - before.heapUsed) / MB,
      rssMB: (after.rss - before.rss) / MB,
      bytesPerTask: (after.heapUsed - before.heapUsed) / 10_000,
    };
  } finally {
    await stopChild(mock.child);
  }
}

/** Churn: an hour of mock time in 30 s steps, tasks expiring after 60 s; task count and heap must plateau. */
async function benchChurn(examples, sinkUrl) {
  const ttlMs = 60_000;
  const stepMs = 30_000;
  const batch = 200;
  const steps = 3_600_000 / stepMs;
  const options = { port: 0, timing: 'fast', rateLimit: false, credits: 1e12, taskTtlMs: ttlMs };
  const mock = await startMemoryChild(options);
  try {
    const body = seedBody(examples.seed, `${sinkUrl}/callback`);
    info(`churn: ${steps} batches of ${batch} tasks, clock +30 s per batch, task TTL 60 s`);
    await createTasks(mock.url, body, batch);
    await mock.send('advance', { ms: stepMs });
    const start = await mock.send('measure');
    const counts = [];
    const heaps = [];
    for (let step = 1; step <= steps; step++) {
      await createTasks(mock.url, body, batch);
      counts.push(await healthTasks(mock.url));
      await mock.send('advance', { ms: stepMs });
      if (step % 10 === 0) {
        const { heapUsed, rss } = await mock.send('measure');
        heaps.push({ minutes: (step * stepMs) / 60_000, heap: heapUsed, rss });
      }
    }
    const deliveries = await mock.send('deliveries');
    if (deliveries.failed > 0) {
      problems.push(`churn: ${deliveries.failed} of the last ${deliveries.total} callbacks failed`);
    }
    await mock.send('close');
    return {
      ttlMs,
      stepMs,
      batch,
      steps,
      start: start.heapUsed,
      startRss: start.rss,
      counts,
      heaps,
      deliveries,
    };
  } finally {
    await stopChild(mock.child);
  }
}

/** Spawn → first successful GET /healthz, in ms; returns the running server too. */
async function coldStart(startTarget) {
  const started = performance.now();
  const target = await startTarget();
  const deadline = started + 15_000;
  for (;;) {
    try {
      await requestJson('GET', `${target.url}/healthz`, undefined, false);
      return { ms: performance.now() - started, target };
    } catch (error) {
      if (performance.now() > deadline) {
        throw error;
      }
      await sleep(2);
    }
  }
}

/** VmRSS and VmHWM of a process, in MiB (Linux /proc). */
function processMemory(pid) {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
  const status = readFileSync(file, 'utf8');
  const kB = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kB('VmRSS') / 1024, hwm: kB('VmHWM') / 1024 };
}

/**
 * A short load in two steps, memory read 3 s after each (tasks finish within 2.4 s): 2 000 createTask
 * without callBackUrl + 2 000 recordInfo, then 2 000 createTask whose callbacks all fire within ~2 s.
 */
async function memoryAfterLoad(target, examples, sinkUrl) {
  const taskId = await createTask(target.url, seedBody(examples.seed, `${sinkUrl}/callback`));
  const ops = operations(examples.seed, sinkUrl, taskId);
  const label = `cold-start load ${target.name}`;
  await load(`${label} createTask`, target, ops.createTask, { amount: 2_000 });
  await load(`${label} recordInfo`, target, ops.recordInfo, { amount: 2_000 });
  await sleep(3_000);
  const plain = processMemory(target.child.pid);
  await load(`${label} createTask + callback`, target, ops.createTaskCallback, { amount: 2_000 });
  await sleep(3_000);
  return { plain, callbacks: processMemory(target.child.pid) };
}

/** Cold start of the mock CLI and of bare Express, interleaved, 5 times each; memory after a short load. */
async function benchColdStart(examples, sinkUrl) {
  // The brief's command, plus --no-rate-limit and --credits so the short load afterwards is not all 429/402.
  const starters = { mock: () => startMockCli(), bare: () => startBare(examples.successRecord) };
  const times = { mock: [], bare: [] };
  const memory = {};
  for (let i = 1; i <= 5; i++) {
    for (const name of ['mock', 'bare']) {
      const { ms, target } = await coldStart(starters[name]);
      times[name].push(ms);
      if (i === 5) {
        info(`cold start: short load on ${name}`);
        memory[name] = await memoryAfterLoad(target, examples, sinkUrl);
      }
      await stopChild(target.child);
    }
  }
  return { times, memory };
}

/** The throughput table. */
function throughputSection(throughput, settings) {
  // The goal compares like with like (validated request handling); delivering a callback per task is
  // work bare Express does not do, so that row is reported as information.
  const rows = [
    ['createTask (seed body, no callBackUrl)', throughput.runs.createTask, true],
    ['createTask (seed body, callBackUrl → loopback receiver)', throughput.runs.createTaskCallback, false],
    ['recordInfo (existing success task)', throughput.runs.recordInfo, true],
  ];
  const lines = [
    '## Throughput: mock vs bare Express 5 (autocannon)',
    '',
    `${CONNECTIONS} connections, pipelining 1, ${settings.duration} s per run, ${settings.rounds} rounds ` +
      'interleaved (mock, bare, bare, mock, …); each server in its own process on 127.0.0.1.',
    '',
    '| Operation | mock req/s | bare req/s | mock/bare | goal | result | mock p99 | bare p99 | ' +
      'req/s per round (mock / bare) |',
    '|---|--:|--:|--:|--:|:-:|--:|--:|---|',
  ];
  const summary = [];
  for (const [name, runs, hasGoal] of rows) {
    const mock = median(runs.map((pair) => pair.mock.rps));
    const bare = median(runs.map((pair) => pair.bare.rps));
    const ratio = mock / bare;
    const perRound = runs.map((pair) => `${fmt(pair.mock.rps)} / ${fmt(pair.bare.rps)}`).join(', ');
    const p99 = (side) => `${fmt(median(runs.map((pair) => pair[side].p99)))} ms`;
    lines.push(
      `| ${name} | ${fmt(mock)} | ${fmt(bare)} | **${fmt(ratio, 2)}** | ${hasGoal ? `≥ ${GOALS.ratio}` : '—'} | ` +
        `${hasGoal ? verdict(ratio >= GOALS.ratio) : 'info'} | ${p99('mock')} | ${p99('bare')} | ${perRound} |`,
    );
    summary.push([
      `Throughput ${name}: mock/bare`,
      fmt(ratio, 2),
      hasGoal ? `≥ ${GOALS.ratio}` : '—',
      hasGoal ? ratio >= GOALS.ratio : null,
    ]);
  }
  lines.push(
    '',
    'Against Stoplight Prism on the same spec, in the same run: `pnpm bench` (bench/results.md).',
    'The callback row is compared with the same bare createTask runs (bare Express sends no callbacks): ' +
      'the gap between the two createTask rows is the cost of delivering one callback per task.',
    `The mock held ${fmt(throughput.mockTasks)} tasks at the end (24 h TTL); bare Express keeps no state.`,
  );
  return { lines, summary };
}

/** The memory tables. */
function memorySection(held, churn) {
  const counts = churn.counts;
  const steps30 = 1_800_000 / churn.stepMs;
  const steady = counts.slice(Math.ceil(churn.ttlMs / churn.stepMs));
  const bound = churn.batch * (churn.ttlMs / churn.stepMs + 1);
  const tasksOk = Math.max(...steady) <= bound;
  const half = churn.heaps.find((sample) => sample.minutes === 30) ?? churn.heaps[0];
  const end = churn.heaps.at(-1);
  const maxHeap = Math.max(...churn.heaps.map((sample) => sample.heap));
  const heapOk = end.heap <= half.heap * 1.1 + MB;
  const maxRss = Math.max(...churn.heaps.map((sample) => sample.rss));
  const rssOk = end.rss <= half.rss * 1.1;
  const lines = [
    '## Memory',
    '',
    'In-process `startMockServer()` in a `--expose-gc` child; heap and RSS after `gc()`; tasks created ' +
      'over HTTP (keep-alive, 8 at a time) with the seed body.',
    '',
    '| Figure | value | goal | result |',
    '|---|--:|--:|:-:|',
    `| Heap per 10 000 pending tasks | ${fmt(held.heapMB, 1)} MB (${fmt(held.bytesPerTask)} B/task) ` +
      '| — | info |',
    `| RSS per 10 000 pending tasks | ${fmt(held.rssMB, 1)} MB | — | info |`,
    '',
    `Churn: ${churn.steps} batches of ${churn.batch} tasks (timing fast, callbacks to a loopback ` +
      `receiver), mock clock +${churn.stepMs / 1000} s per batch (1 h of mock time), ` +
      `task TTL ${churn.ttlMs / 1000} s.`,
    '',
    '| Figure | start | after 30 min | end | min / max | goal | result |',
    '|---|--:|--:|--:|--:|---|:-:|',
    `| Live tasks (/healthz, after each batch) | ${counts[0]} | ${counts[steps30 - 1]} | ` +
      `${counts.at(-1)} | ${Math.min(...counts)} / ${Math.max(...counts)} | ≤ ${bound} once the TTL ` +
      `applies | ${verdict(tasksOk)} |`,
    `| Heap after gc | ${fmt(churn.start / MB, 1)} MB | ${fmt(half.heap / MB, 1)} MB | ` +
      `${fmt(end.heap / MB, 1)} MB | max ${fmt(maxHeap / MB, 1)} MB | end ≤ 30 min + 10 % | ` +
      `${verdict(heapOk)} |`,
    `| RSS after gc | ${fmt(churn.startRss / MB, 1)} MB | ${fmt(half.rss / MB, 1)} MB | ` +
      `${fmt(end.rss / MB, 1)} MB | max ${fmt(maxRss / MB, 1)} MB | end ≤ 30 min + 10 % | ` +
      `${verdict(rssOk)} |`,
    '',
    `Heap every 5 min (MB): ${churn.heaps.map((sample) => fmt(sample.heap / MB, 1)).join(', ')}. ` +
      `RSS every 5 min (MB): ${churn.heaps.map((sample) => fmt(sample.rss / MB, 1)).join(', ')}. ` +
      `Callback log at the end: ${churn.deliveries.total} entries (capped at 10 000), ` +
      `${churn.deliveries.failed} failed.`,
  ];
  const summary = [
    ['Heap per 10 000 pending tasks', `${fmt(held.heapMB, 1)} MB`, '—', null],
    ['RSS per 10 000 pending tasks', `${fmt(held.rssMB, 1)} MB`, '—', null],
    ['Churn: live tasks bounded by the TTL', `max ${Math.max(...steady)}`, `≤ ${bound}`, tasksOk],
    [
      'Churn: heap plateaus (end vs 30 min)',
      `${fmt(end.heap / MB, 1)} vs ${fmt(half.heap / MB, 1)} MB`,
      '≤ +10 %',
      heapOk,
    ],
    [
      'Churn: RSS steady (end vs 30 min)',
      `${fmt(end.rss / MB, 1)} vs ${fmt(half.rss / MB, 1)} MB`,
      '≤ +10 %',
      rssOk,
    ],
  ];
  return { lines, summary };
}

/** One memory row of the cold-start table: mock vs bare, with the RSS goal (or as information). */
function memoryRow(name, mock, bare, { goal = true } = {}) {
  return (
    `| ${name} | ${fmt(mock.rss, 1)} MiB (peak ${fmt(mock.hwm, 1)}) | ${fmt(bare.rss, 1)} MiB ` +
    `(peak ${fmt(bare.hwm, 1)}) | ${fmt(mock.rss / bare.rss, 2)} | ` +
    (goal ? `≤ ${GOALS.rssMiB} MiB | ${verdict(mock.rss <= GOALS.rssMiB)} |` : '— | info |')
  );
}

/** The cold-start table. */
function coldStartSection(cold) {
  const mockMs = median(cold.times.mock);
  const bareMs = median(cold.times.bare);
  const { mock, bare } = cold.memory;
  const plainName = 'VmRSS after 2 000 createTask + 2 000 recordInfo';
  const callbackName = 'VmRSS after 2 000 more createTask with callBackUrl';
  const lines = [
    '## Cold start',
    '',
    'Spawn → first successful `GET /healthz` (port 0: URL read from stdout), median of 5, mock and bare ' +
      'interleaved. Mock: `node dist/cli.js --port 0 --quiet --timing fast` plus `--no-rate-limit ' +
      '--credits` so that the short load afterwards is not answered 429/402. Memory: /proc VmRSS (VmHWM = ' +
      'peak) of the last started process, 3 s after each load step so tasks and callbacks have finished.',
    '',
    '| Figure | mock | bare Express | mock/bare | goal | result |',
    '|---|--:|--:|--:|--:|:-:|',
    `| Cold start (median of 5) | ${fmt(mockMs)} ms | ${fmt(bareMs)} ms | ${fmt(mockMs / bareMs, 2)} | ` +
      `≤ ${GOALS.coldStartMs} ms | ${verdict(mockMs <= GOALS.coldStartMs)} |`,
    memoryRow(plainName, mock.plain, bare.plain),
    memoryRow(`${callbackName} (a burst of 2 000 callbacks)`, mock.callbacks, bare.callbacks, {
      goal: false,
    }),
    '',
    'The goal applies to the load that both servers can take (bare Express sends no callbacks). The ' +
      'callback row is information: after a burst V8 keeps the heap it grew for the burst, so its RSS ' +
      'varies from run to run with the timing of garbage collection; what stays live is measured by ' +
      'the churn rows above (heap after gc plateaus with callbacks delivered throughout).',
    `Runs (ms): mock ${cold.times.mock.map((ms) => fmt(ms)).join(', ')}; ` +
      `bare ${cold.times.bare.map((ms) => fmt(ms)).join(', ')}.`,
  ];
  const summary = [
    [
      'Cold start (median of 5)',
      `${fmt(mockMs)} ms (bare ${fmt(bareMs)} ms)`,
      `≤ ${GOALS.coldStartMs} ms`,
      mockMs <= GOALS.coldStartMs,
    ],
    [plainName, `${fmt(mock.plain.rss, 1)} MiB`, `≤ ${GOALS.rssMiB} MiB`, mock.plain.rss <= GOALS.rssMiB],
    [callbackName, `${fmt(mock.callbacks.rss, 1)} MiB (peak ${fmt(mock.callbacks.hwm, 1)})`, '—', null],
  ];
  return { lines, summary };
}

/** The whole report as Markdown. */
function report(sections) {
  const cpus = os.cpus();
  const summary = sections.flatMap((section) => section.summary);
  const lines = [
    '# kling-mock benchmark',
    '',
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}`,
    `- Node ${process.version}, autocannon 9.0.0, ${new Date().toISOString()}`,
    `- Whole run: ${fmt((performance.now() - startedAt) / 1000)} s. Ratios and medians only: this machine ` +
      'is noisy, a lone absolute figure means little.',
    '',
    '## Summary',
    '',
    '| Figure | measured | goal | result |',
    '|---|--:|--:|:-:|',
    ...summary.map(
      ([name, value, goal, ok]) => `| ${name} | ${value} | ${goal} | ${ok === null ? 'info' : verdict(ok)} |`,
    ),
    '',
  ];
  for (const section of sections) {
    lines.push(...section.lines, '');
  }
  lines.push('## Problems', '');
  lines.push(
    ...(problems.length ? problems.map((problem) => `- ${problem}`) : ['None: every run was clean.']),
  );
  return `${lines.join('\n')}\n`;
}

/** Runs the three benchmarks and writes the report. */
async function main() {
  const settings = readFlags();
  if (!existsSync(CLI)) {
    throw new Error('dist/cli.js is missing: run `pnpm --filter @kling-kit/mock-server build` first');
  }
  const examples = loadExamples();
  const sink = await startSink();
  try {
    const throughput = await benchThroughput(settings, examples, sink.url);
    const held = await benchHeldTasks(examples);
    const churn = await benchChurn(examples, sink.url);
    info('cold start: 5 × mock, 5 × bare');
    const cold = await benchColdStart(examples, sink.url);
    const sections = [
      throughputSection(throughput, settings),
      memorySection(held, churn),
      coldStartSection(cold),
    ];
    const markdown = report(sections);
    writeFileSync(RESULTS, markdown);
    console.info(`\n${markdown}`);
    info(`written to ${RESULTS}`);
  } finally {
    await stopChild(sink.child);
  }
}

process.on('SIGINT', () => {
  console.error('\n[bench] interrupted: stopping the child processes');
  killAll();
  process.exit(130);
});
process.on('exit', killAll);

main().then(
  () => {
    agent.destroy();
    process.exit(0);
  },
  (error) => {
    console.error(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}`);
    killAll();
    process.exit(1);
  },
);
