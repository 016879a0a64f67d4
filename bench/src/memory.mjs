/**
 * Memory of the mock itself: heap and RSS held by 10 000 pending tasks, and an hour of mock time of
 * churn (tasks created, finished, called back and expired) in which the live tasks, the heap and the
 * RSS must plateau. The mock runs in-process (`startMockServer()`) in a `--expose-gc` child steered
 * over IPC, so every figure is read after `gc()`; tasks are created over HTTP, 8 at a time.
 */
import { fileURLToPath } from 'node:url';
import { CHURN_MAX_GROWTH } from './budgets.mjs';
import { fmt, pct, row, verdict } from './format.mjs';
import { problems, spawnChild, stopServer } from './harness.mjs';
import { seedBody, startSink } from './servers.mjs';
import { createTask, healthTasks } from './throughput.mjs';

const MB = 1024 * 1024;
const CHILD = fileURLToPath(new URL('./servers/memory-child.mjs', import.meta.url));

/** Starts the in-process mock in a `--expose-gc` child; `send(cmd)` runs one of its commands. */
async function startMemoryChild(options) {
  const child = spawnChild(process.execPath, ['--expose-gc', CHILD], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
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

/** Heap and RSS (after gc) held by 10 000 pending tasks, after 500 warm-up tasks. */
export async function heldTasks() {
  const timing = { waitingMs: 3_600_000, queuingMs: 0, generatingMs: 0 };
  const mock = await startMemoryChild({
    port: 0,
    timing,
    rateLimit: false,
    credits: 1e12,
    loopbackOnly: true,
  });
  try {
    // The tasks never finish here, so their callBackUrl is never called; it only has to look real.
    const body = seedBody('http://127.0.0.1:9/api/callback');
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
    await stopServer(mock.child);
  }
}

/** Churn: an hour of mock time in 30 s steps, 200 tasks per step calling back to a loopback receiver, TTL 60 s. */
export async function churn({ say = () => {} } = {}) {
  const ttlMs = 60_000;
  const stepMs = 30_000;
  const batch = 200;
  const steps = 3_600_000 / stepMs;
  const sink = await startSink();
  const options = {
    port: 0,
    timing: 'fast',
    rateLimit: false,
    credits: 1e12,
    taskTtlMs: ttlMs,
    loopbackOnly: true,
  };
  const mock = await startMemoryChild(options);
  try {
    const body = seedBody(`${sink.url}/callback`);
    say(`memory: churn, ${steps} batches of ${batch} tasks, clock +30 s per batch, task TTL 60 s`);
    await createTasks(mock.url, body, batch);
    await mock.send('advance', { ms: stepMs });
    const start = await mock.send('measure');
    const counts = [];
    const samples = [];
    for (let step = 1; step <= steps; step++) {
      await createTasks(mock.url, body, batch);
      counts.push(await healthTasks(mock.url));
      await mock.send('advance', { ms: stepMs });
      if (step % 10 === 0) {
        const { heapUsed, rss } = await mock.send('measure');
        samples.push({ minutes: (step * stepMs) / 60_000, heap: heapUsed / MB, rss: rss / MB });
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
      start: { heap: start.heapUsed / MB, rss: start.rss / MB },
      counts,
      samples,
      deliveries,
    };
  } finally {
    await Promise.all([stopServer(mock.child), stopServer(sink)]);
  }
}

/** The results.md section and summary rows of held tasks and churn. */
export function memorySection(held, churn) {
  const steps30 = 1_800_000 / churn.stepMs;
  const steady = churn.counts.slice(Math.ceil(churn.ttlMs / churn.stepMs));
  const bound = churn.batch * (churn.ttlMs / churn.stepMs + 1);
  const tasksOk = Math.max(...steady) <= bound;
  const half = churn.samples.find((sample) => sample.minutes === 30) ?? churn.samples[0];
  const end = churn.samples.at(-1);
  const heapOk = end.heap <= half.heap * (1 + CHURN_MAX_GROWTH) + 1;
  const rssOk = end.rss <= half.rss * (1 + CHURN_MAX_GROWTH);
  const most = (key) => fmt(Math.max(...churn.samples.map((sample) => sample[key])), 1);
  const growth = `end ≤ 30 min + ${pct(CHURN_MAX_GROWTH)}`;
  return {
    summary: [
      row('5. Heap per 10 000 pending tasks', `${fmt(held.heapMB, 1)} MB`, '—', null),
      row('5. RSS per 10 000 pending tasks', `${fmt(held.rssMB, 1)} MB`, '—', null),
      row('5. Churn: live tasks bounded by the TTL', `max ${Math.max(...steady)}`, `≤ ${bound}`, tasksOk),
      row(
        '5. Churn: heap plateaus (end vs 30 min)',
        `${fmt(end.heap, 1)} vs ${fmt(half.heap, 1)} MB`,
        `≤ +${pct(CHURN_MAX_GROWTH)}`,
        heapOk,
      ),
      row(
        '5. Churn: RSS steady (end vs 30 min)',
        `${fmt(end.rss, 1)} vs ${fmt(half.rss, 1)} MB`,
        `≤ +${pct(CHURN_MAX_GROWTH)}`,
        rssOk,
      ),
    ],
    lines: [
      '## 5. Mock memory: held tasks and churn',
      '',
      'In-process `startMockServer()` in a `--expose-gc` child; heap and RSS after `gc()`; tasks created over HTTP ' +
        '(keep-alive, 8 at a time) with the seed body.',
      '',
      '| figure | value | goal | result |',
      '|---|--:|--:|:-:|',
      `| Heap per 10 000 pending tasks | ${fmt(held.heapMB, 1)} MB (${fmt(held.bytesPerTask)} B/task) | — | info |`,
      `| RSS per 10 000 pending tasks | ${fmt(held.rssMB, 1)} MB | — | info |`,
      '',
      `Churn: ${churn.steps} batches of ${churn.batch} tasks (timing fast, callbacks to a loopback receiver), mock ` +
        `clock +${churn.stepMs / 1000} s per batch (1 h of mock time), task TTL ${churn.ttlMs / 1000} s.`,
      '',
      '| figure | start | after 30 min | end | min / max | goal | result |',
      '|---|--:|--:|--:|--:|---|:-:|',
      `| Live tasks (/healthz, after each batch) | ${churn.counts[0]} | ${churn.counts[steps30 - 1]} | ` +
        `${churn.counts.at(-1)} | ${Math.min(...churn.counts)} / ${Math.max(...churn.counts)} | ≤ ${bound} once the ` +
        `TTL applies | ${verdict(tasksOk)} |`,
      `| Heap after gc | ${fmt(churn.start.heap, 1)} MB | ${fmt(half.heap, 1)} MB | ${fmt(end.heap, 1)} MB | ` +
        `max ${most('heap')} MB | ${growth} | ${verdict(heapOk)} |`,
      `| RSS after gc | ${fmt(churn.start.rss, 1)} MB | ${fmt(half.rss, 1)} MB | ${fmt(end.rss, 1)} MB | ` +
        `max ${most('rss')} MB | ${growth} | ${verdict(rssOk)} |`,
      '',
      `Heap every 5 min (MB): ${churn.samples.map((sample) => fmt(sample.heap, 1)).join(', ')}. ` +
        `RSS every 5 min (MB): ${churn.samples.map((sample) => fmt(sample.rss, 1)).join(', ')}. ` +
        `Callback log at the end: ${churn.deliveries.total} entries (capped at 10 000), ${churn.deliveries.failed} failed.`,
    ],
  };
}
