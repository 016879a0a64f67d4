/**
 * 9. Scaling out: several processes on one key, against an in-process kling-mock with kie.ai's real
 * rate limits (from the contract), with `@kling-kit/redis` against a real `redis-server` (a free
 * loopback port, no persistence, killed at the end) and, side by side, without it:
 * - 4 worker processes × 100 concurrent waits: the most recordInfo answers in any 1 s, the 429s and
 *   the detection lag, with the coordinator and without (each process then paces only itself);
 * - callbacks through the handler: each worker is also a callback receiver (a load balancer's
 *   instance), each task's callback goes to another worker than the one waiting for it; detection
 *   lag and polls per task, against the same waits without callbacks;
 * - 4 processes × 50 creates: how long all 200 take against what the create limit allows (the 200th
 *   can go no earlier than 9 windows after the first), 429s and duplicates.
 * The 4 × 100 waits run with the mock's realistic timing (tasks of about 2 minutes, up to 6); the
 * callback figures use fixed 15 s tasks so they take about a minute. The limits are the real ones. Runs alone with `node bench/src/redis-scale.mjs` (after `pnpm build`);
 * `node bench/src/redis-scale.mjs creates` runs only the creates figure.
 */
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RATE_LIMITS } from '@kling-kit/contract';
import { startMockServer } from '@kling-kit/mock-server';
import {
  REDIS_CALLBACK_LAG_P95_MS,
  REDIS_CALLBACK_POLLS_PER_TASK,
  REDIS_CREATES_MAX_RATIO,
  WAIT_SHORT_LAG_MS,
} from './budgets.mjs';
import { fmt, row, verdict } from './format.mjs';
import { freePort, percentile, spawnChild, stopServer } from './harness.mjs';

const WORKER = fileURLToPath(new URL('./servers/redis-worker.mjs', import.meta.url));
const WORKERS = 4;
const API_KEY = 'bench-redis-key';
const SECRET = 'bench-redis-webhook-secret';
const INPUT = { prompt: 'A paper boat in the rain', image_url: 'https://example.com/boat.png' };

/** A throwaway redis-server on a free loopback port, without persistence. */
async function startRedis() {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: apt-get install -y redis-server');
  }
  const port = await freePort();
  const child = spawnChild('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const started = Date.now();
  while (!child.stdoutText.includes('Ready to accept connections')) {
    if (child.exitCode !== null || Date.now() - started > 10_000) {
      throw new Error(`redis-server did not start:\n${child.stdoutText}${child.stderrText}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, url: `redis://127.0.0.1:${port}` };
}

/** A mock with the real limits and a request log (`lines`). */
async function mockServer(options) {
  const lines = [];
  const mock = await startMockServer({
    port: 0,
    credits: 1e12,
    loopbackOnly: true,
    log: (line) => lines.push(JSON.parse(line)),
    ...options,
  });
  return { mock, lines };
}

/** Starts a worker; resolves once it is ready, with its callback URL and a `run(handles)` that resolves with its report. */
async function startWorker(config) {
  const child = spawnChild(process.execPath, [WORKER, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = (await lines.next()).value ?? '';
  if (!first.startsWith('ready ')) {
    throw new Error(`redis worker did not start: ${first}\n${child.stderrText}`);
  }
  return {
    callbackUrl: JSON.parse(first.slice('ready '.length)).callbackUrl,
    async run(handles) {
      child.stdin.write(`${JSON.stringify(handles)}\n`);
      const report = (await lines.next()).value;
      if (!report?.startsWith('{')) {
        throw new Error(`redis worker failed: ${report}\n${child.stderrText}`);
      }
      return JSON.parse(report);
    },
    stop() {
      child.stdin.end();
      return stopServer(child);
    },
  };
}

/** Creates `count` tasks on the mock directly (its limits are off meanwhile); handles for the client. */
async function createTasks(mock, count, callBackUrlOf = () => undefined) {
  mock.admin.configure({ rateLimit: false });
  const handles = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const callBackUrl = callBackUrlOf(index);
      const answer = await fetch(`${mock.url}/api/v1/jobs/createTask`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          model: 'kling/v2-1-pro',
          input: INPUT,
          ...(callBackUrl ? { callBackUrl } : {}),
        }),
      }).then((response) => response.json());
      return {
        taskId: answer.data.taskId,
        model: 'kling/v2-1-pro',
        createdAt: Date.now(),
        ...(callBackUrl ? { callBackUrl } : {}),
      };
    }),
  );
  mock.admin.configure({ rateLimit: true });
  return handles;
}

/** The most log lines matching `match` whose requests arrived within any `windowMs` (the log's time is the answer's). */
function busiest(lines, match, windowMs) {
  const times = lines
    .filter(match)
    .map((line) => Date.parse(line.time) - line.ms)
    .sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && times[j] - times[i] < windowMs) {
      j++;
    }
    most = Math.max(most, j - i);
  }
  return most;
}

const isQuery = (line) => line.operation === 'getTaskRecord';
const isCreate = (line) => line.operation === 'createTask';

/** Lag figures of the waits of every report (seen by the client − completed on the mock). */
function lagOf(reports) {
  const waits = reports.flatMap((report) => report.waits);
  const done = waits.filter((wait) => wait.state === 'success' || wait.state === 'fail');
  const lags = done.map((wait) => wait.seenAt - wait.completeTime);
  return {
    tasks: waits.length,
    finished: done.length,
    errors: waits.filter((wait) => wait.error).map((wait) => wait.error),
    p50: lags.length ? percentile(lags, 50) : Number.NaN,
    p95: lags.length ? percentile(lags, 95) : Number.NaN,
    max: lags.length ? Math.max(...lags) : Number.NaN,
  };
}

/** Runs `handlesPerWorker` through WORKERS workers; returns the reports, and the mock's lines since the waits began. */
async function runWorkers(workers, handlesPerWorker, lines) {
  const from = lines.length;
  const reports = await Promise.all(
    workers.map((worker, index) => worker.run(handlesPerWorker[index] ?? [])),
  );
  await Promise.all(workers.map((worker) => worker.stop()));
  return { reports, lines: lines.slice(from) };
}

/** 4 workers × 100 waits on one key, with or without the coordinator. */
async function pollFigure(redis, coordinated) {
  const { mock, lines } = await mockServer({
    timing: 'realistic',
    seed: `redis-polls-${coordinated}`,
  });
  try {
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        startWorker({ baseUrl: mock.url, apiKey: API_KEY, ...(coordinated ? { redisUrl: redis.url } : {}) }),
      ),
    );
    const handles = await createTasks(mock, WORKERS * 100);
    const started = Date.now();
    const split = workers.map((_, w) => handles.filter((_, index) => index % WORKERS === w));
    const run = await runWorkers(workers, split, lines);
    const queries = run.lines.filter(isQuery);
    return {
      coordinated,
      ...lagOf(run.reports),
      seconds: (Date.now() - started) / 1000,
      queries: queries.length,
      rateLimited: queries.filter((line) => line.status === 429).length,
      busiest: busiest(
        run.lines,
        (line) => isQuery(line) && line.status === 200,
        RATE_LIMITS.getTaskRecord.windowMs,
      ),
      warnings: run.reports.flatMap((report) => report.warnings),
    };
  } finally {
    await mock.close();
  }
}

/** Waits in 4 processes with each task's callback sent to another process (or without callbacks). */
async function callbackFigure(redis, withCallbacks) {
  const { mock, lines } = await mockServer({
    timing: { waitingMs: 1_000, queuingMs: 2_000, generatingMs: 12_000 },
    hmacKey: SECRET,
    seed: `redis-callbacks-${withCallbacks}`,
  });
  try {
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        startWorker({ baseUrl: mock.url, apiKey: API_KEY, redisUrl: redis.url, callbackSecret: SECRET }),
      ),
    );
    const count = withCallbacks ? 100 : 16;
    // Task i is waited for by worker i % 4; its callback goes to worker (i + 1) % 4.
    const handles = await createTasks(mock, count, (index) =>
      withCallbacks ? workers[(index + 1) % WORKERS].callbackUrl : undefined,
    );
    const split = workers.map((_, w) => handles.filter((_, index) => index % WORKERS === w));
    const run = await runWorkers(workers, split, lines);
    const queries = run.lines.filter(isQuery);
    return {
      withCallbacks,
      ...lagOf(run.reports),
      queries: queries.length,
      pollsPerTask: queries.length / count,
      rateLimited: queries.filter((line) => line.status === 429).length,
      warnings: run.reports.flatMap((report) => report.warnings),
    };
  } finally {
    await mock.close();
  }
}

/** 4 processes × 50 creates on one key, with the coordinator. */
async function createFigure(redis) {
  const { mock, lines } = await mockServer({ timing: 'fast', seed: 'redis-creates' });
  try {
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        startWorker({ baseUrl: mock.url, apiKey: API_KEY, redisUrl: redis.url, creates: 50, input: INPUT }),
      ),
    );
    const run = await runWorkers(workers, [], lines);
    const created = run.reports.flatMap((report) => report.created);
    const ids = created.filter((handle) => handle.taskId).map((handle) => handle.taskId);
    const answers = run.lines.filter(isCreate);
    const times = answers.filter((line) => line.status === 200).map((line) => Date.parse(line.time));
    const { limit, windowMs } = RATE_LIMITS.createTask;
    return {
      jobs: created.length,
      created: ids.length,
      distinct: new Set(ids).size,
      requests: answers.length,
      rateLimited: answers.filter((line) => line.status === 429).length,
      spanMs: times.length ? Math.max(...times) - Math.min(...times) : Number.NaN,
      allowedMs: (Math.ceil(created.length / limit) - 1) * windowMs,
      errors: created.filter((handle) => handle.error).map((handle) => handle.error),
    };
  } finally {
    await mock.close();
  }
}

/** Every figure of the section, side by side in one run. */
export async function redisScale({ say = () => {} } = {}) {
  const redis = await startRedis();
  try {
    say('9a. 4 processes × 100 waits on one key, with the Redis coordinator');
    const coordinated = await pollFigure(redis, true);
    say('9a. the same, each process pacing only itself');
    const alone = await pollFigure(redis, false);
    say('9b. callbacks through the handler, across processes');
    const fed = await callbackFigure(redis, true);
    say('9b. the same waits without callbacks');
    const polled = await callbackFigure(redis, false);
    say('9c. 4 processes × 50 creates on one key');
    const creates = await createFigure(redis);
    return { coordinated, alone, fed, polled, creates };
  } finally {
    await stopServer(redis.child);
  }
}

const s = (ms) => `${fmt(ms / 1000, 2)} s`;

/** The results.md section and summary rows. */
export function redisSection({ coordinated, alone, fed, polled, creates }) {
  const { limit: queryLimit } = RATE_LIMITS.getTaskRecord;
  const pacedOk =
    coordinated.busiest <= queryLimit &&
    coordinated.rateLimited === 0 &&
    coordinated.finished === coordinated.tasks;
  const fedOk =
    fed.finished === fed.tasks &&
    fed.p95 <= REDIS_CALLBACK_LAG_P95_MS &&
    fed.pollsPerTask <= REDIS_CALLBACK_POLLS_PER_TASK;
  const polledOk = polled.finished === polled.tasks && polled.max <= WAIT_SHORT_LAG_MS;
  const createRatio = creates.spanMs / creates.allowedMs;
  const createsOk =
    creates.created === creates.jobs &&
    creates.distinct === creates.created &&
    creates.requests === creates.jobs &&
    creates.rateLimited === 0 &&
    createRatio <= REDIS_CREATES_MAX_RATIO;
  const waitRow = (label, run) =>
    `| ${label} | ${run.finished}/${run.tasks} | ${run.busiest} | ${run.queries} | ${run.rateLimited} | ${s(run.p50)} | ${s(run.p95)} | ${s(run.max)} |`;
  return {
    summary: [
      row(
        '9. 4 processes × 100 waits, one key: most queries in 1 s / 429s',
        `${coordinated.busiest} / ${coordinated.rateLimited} (alone: ${alone.busiest} / ${alone.rateLimited})`,
        `≤ ${queryLimit} / 0`,
        pacedOk,
      ),
      row(
        '9. Callbacks across processes: p95 lag, polls per task',
        `${s(fed.p95)}, ${fmt(fed.pollsPerTask, 2)}`,
        `≤ ${s(REDIS_CALLBACK_LAG_P95_MS)}, ≤ ${REDIS_CALLBACK_POLLS_PER_TASK}`,
        fedOk,
      ),
      row(
        '9. Without callbacks: worst lag (15 s tasks)',
        s(polled.max),
        `≤ ${s(WAIT_SHORT_LAG_MS)}`,
        polledOk,
      ),
      row(
        '9. 4 processes × 50 creates: time / what the limit allows, 429s',
        `${fmt(createRatio, 3)}, ${creates.rateLimited}`,
        `≤ ${REDIS_CREATES_MAX_RATIO}, 0`,
        createsOk,
      ),
    ],
    lines: [
      '## 9. Scaling out: many processes on one key (Redis)',
      '',
      `${WORKERS} worker processes share one API key against kling-mock with kie.ai's limits (${RATE_LIMITS.createTask.limit} creates per ${RATE_LIMITS.createTask.windowMs / 1000} s, ` +
        `${queryLimit} queries per second, from the spec); \`@kling-kit/redis\` on a local redis-server. The waits run with the mock's realistic timing ` +
        '(tasks of about 2 minutes, up to about 6); the callback figures use fixed 15 s tasks.',
      '',
      '| 4 × 100 waits, realistic timing | finished | most queries accepted in any 1 s | queries | 429s | lag p50 | lag p95 | lag max |',
      '|---|--:|--:|--:|--:|--:|--:|--:|',
      waitRow('Redis coordinator', coordinated),
      waitRow('each process alone', alone),
      '',
      `With the coordinator: at most ${coordinated.busiest} queries accepted in any second (≤ ${queryLimit}) and ${coordinated.rateLimited} 429s: ${verdict(pacedOk)}. ` +
        `Alone, four processes each within the limit sent ${alone.queries} queries, ${alone.rateLimited} of them answered 429. ` +
        'With 400 tasks finishing together, the lag is set by the budget (400 polls at 8 a second), not by the schedule.',
      '',
      '| 15 s tasks, 4 processes | tasks | finished | recordInfo per task | lag p50 | lag p95 | lag max |',
      '|---|--:|--:|--:|--:|--:|--:|',
      `| callbacks to another process, through the feed | ${fed.tasks} | ${fed.finished} | ${fmt(fed.pollsPerTask, 2)} | ${s(fed.p50)} | ${s(fed.p95)} | ${s(fed.max)} |`,
      `| no callbacks, polling | ${polled.tasks} | ${polled.finished} | ${fmt(polled.pollsPerTask, 2)} | ${s(polled.p50)} | ${s(polled.p95)} | ${s(polled.max)} |`,
      '',
      `Callbacks: p95 lag ${s(fed.p95)} (≤ ${s(REDIS_CALLBACK_LAG_P95_MS)}) with ${fmt(fed.pollsPerTask, 2)} polls per task (≤ ${REDIS_CALLBACK_POLLS_PER_TASK}): ${verdict(fedOk)}. ` +
        `Without: worst lag ${s(polled.max)} (≤ ${s(WAIT_SHORT_LAG_MS)} for tasks up to 30 s): ${verdict(polledOk)}.`,
      '',
      `Creates: ${creates.created}/${creates.jobs} created (${creates.distinct} distinct ids, ${creates.requests} createTask requests, ${creates.rateLimited} answered 429) ` +
        `in ${s(creates.spanMs)} from the first to the last; the limit lets the ${creates.jobs}th go no earlier than ${s(creates.allowedMs)} after the first: ` +
        `${fmt(createRatio, 3)}× (≤ ${REDIS_CREATES_MAX_RATIO}): ${verdict(createsOk)}.`,
      ...[coordinated, alone, fed, polled].flatMap((run) =>
        run.errors.slice(0, 3).map((error) => `- wait error: ${error}`),
      ),
      ...creates.errors.slice(0, 3).map((error) => `- create error: ${error}`),
    ],
  };
}

/** `node redis-scale.mjs creates`: only the creates figure (about 2 minutes), for a quick check. */
async function createsOnly() {
  const redis = await startRedis();
  try {
    const creates = await createFigure(redis);
    const ratio = creates.spanMs / creates.allowedMs;
    console.info(
      `4 processes × 50 creates: ${creates.created}/${creates.jobs} created, ${creates.distinct} distinct, ` +
        `${creates.requests} requests, ${creates.rateLimited} × 429, ${s(creates.spanMs)} for ${s(creates.allowedMs)} allowed: ` +
        `${fmt(ratio, 3)}× (goal ≤ ${REDIS_CREATES_MAX_RATIO})`,
    );
  } finally {
    await stopServer(redis.child);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'creates') {
  await createsOnly();
  process.exit(0);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const figures = await redisScale({
    say: (text) =>
      console.info(`[redis ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${text}`),
  });
  const section = redisSection(figures);
  console.info(
    [
      ...section.summary.map(
        (entry) => `${entry.figure}: ${entry.measured} (goal ${entry.goal}) ${verdict(entry.ok)}`,
      ),
      '',
      ...section.lines,
    ].join('\n'),
  );
  process.exit(0);
}
