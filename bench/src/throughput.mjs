/**
 * Throughput: kling-mock against bare Express 5 and Stoplight Prism, each in its own process, the
 * same autocannon runs interleaved round by round (the order rotates, so a drift of the machine does
 * not favour one server): createTask with the seed body, recordInfo of a finished task, and on the
 * mock alone createTask with a callBackUrl to a loopback receiver (the cost of one callback per task).
 */
import { MOCK_VS_BARE_MIN_RATIO, MOCK_VS_PRISM_MIN_RATIO } from './budgets.mjs';
import { fmt, row, verdict } from './format.mjs';
import {
  CONNECTIONS,
  interleaved,
  load,
  median,
  problems,
  processMemory,
  requestJson,
  sleep,
  stopServer,
} from './harness.mjs';
import { API_KEY, LAUNCHERS, operations, PRISM_VERSION, seedBody, startSink } from './servers.mjs';

const SERVERS = ['mock', 'bare', 'prism'];
const AUTH = { Authorization: `Bearer ${API_KEY}` };

/** Creates one task on the mock and returns its id. */
export async function createTask(url, body) {
  const { json } = await requestJson('POST', `${url}/api/v1/jobs/createTask`, { body, headers: AUTH });
  if (json?.code !== 200) {
    throw new Error(`createTask answered ${JSON.stringify(json)}`);
  }
  return json.data.taskId;
}

/** The live task count the mock reports on /healthz. */
export async function healthTasks(url) {
  return (await requestJson('GET', `${url}/healthz`)).json.tasks;
}

/** Polls recordInfo until the task has succeeded. */
async function waitForSuccess(url, taskId, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { json } = await requestJson('GET', `${url}/api/v1/jobs/recordInfo?taskId=${taskId}`, {
      headers: AUTH,
    });
    if (json?.data?.state === 'success') {
      return;
    }
    await sleep(100);
  }
  throw new Error(`task ${taskId} did not succeed within ${timeoutMs} ms`);
}

/** One measured run; on the mock, checks that every createTask answer made a task and recordInfo answers a success. */
async function measured(label, name, server, op, opName, seconds) {
  const mock = name === 'mock';
  const before = mock && opName !== 'recordInfo' ? await healthTasks(server.url) : 0;
  const run = await load(label, server.url, op, seconds);
  if (mock && opName !== 'recordInfo') {
    const created = (await healthTasks(server.url)) - before;
    if (created < run.total) {
      problems.push(`${label}: ${run.total} answers but only ${created} tasks created (error envelopes?)`);
    }
  }
  if (mock && opName === 'recordInfo') {
    const { json } = await requestJson('GET', `${server.url}${op.path}`, { headers: AUTH });
    if (json?.code !== 200 || json.data?.state !== 'success') {
      problems.push(`${label}: sample answer is not a success record: ${JSON.stringify(json).slice(0, 200)}`);
    }
  }
  return run;
}

/**
 * `rounds` rounds of `seconds`-second runs per server and operation; returns every run (for medians
 * and the per-round figures), the RSS of each server after the last round, and the tasks the mock held.
 */
export async function throughput({ seconds = 3, rounds = 5, say = () => {} } = {}) {
  const sink = await startSink();
  const servers = {};
  try {
    for (const name of SERVERS) {
      servers[name] = await LAUNCHERS[name]();
    }
    const taskId = await createTask(servers.mock.url, seedBody(`${sink.url}/callback`));
    await waitForSuccess(servers.mock.url, taskId);
    const ops = {
      mock: operations({ sinkUrl: sink.url, taskId }),
      bare: operations(),
      prism: operations(),
    };
    say('throughput: warming up (1 s per server and operation)');
    for (const name of SERVERS) {
      await load(`warm-up ${name} createTask`, servers[name].url, ops[name].createTask, 1);
      await load(`warm-up ${name} recordInfo`, servers[name].url, ops[name].recordInfo, 1);
    }
    await sleep(3_000);
    const runs = { createTask: [], recordInfo: [], createTaskCallback: [] };
    for (let round = 0; round < rounds; round++) {
      for (const opName of ['createTask', 'recordInfo']) {
        const entry = {};
        for (const name of interleaved(SERVERS, round)) {
          const label = `round ${round + 1} ${name} ${opName}`;
          say(`throughput: ${label} (${seconds} s)`);
          entry[name] = await measured(label, name, servers[name], ops[name][opName], opName, seconds);
          await sleep(1_000);
        }
        runs[opName].push(entry);
      }
      const label = `round ${round + 1} mock createTask + callback`;
      say(`throughput: ${label} (${seconds} s)`);
      runs.createTaskCallback.push({
        mock: await measured(label, 'mock', servers.mock, ops.mock.createTaskCallback, 'createTask', seconds),
      });
      // Tasks finish (and call back) up to 2.4 s after creation: let that work end before the next run.
      await sleep(3_000);
    }
    const memory = Object.fromEntries(SERVERS.map((name) => [name, processMemory(servers[name].child.pid)]));
    return { seconds, rounds, runs, memory, mockTasks: await healthTasks(servers.mock.url) };
  } finally {
    await Promise.all([sink, ...Object.values(servers)].map(stopServer));
  }
}

/** The results.md section and summary rows of the throughput runs (and the mock's createTask req/s). */
export function throughputSection(result) {
  const { runs } = result;
  const rps = (entries, name) => median(entries.map((entry) => entry[name].rps));
  // Each round runs the servers back to back, so a ratio within a round compares like with like;
  // the machine's speed drifts between rounds (a 2× spread is common here), which a ratio of the
  // servers' medians would take from different rounds.
  const pairedRatio = (entries, name, other) =>
    median(entries.map((entry) => entry[name].rps / entry[other].rps));
  const p99 = (entries, name) => median(entries.map((entry) => entry[name].p99));
  const operations = [
    ['createTask (seed body, no callBackUrl)', runs.createTask],
    ['recordInfo (a finished task)', runs.recordInfo],
  ];
  const summary = [];
  const lines = [
    '## 4. Mock throughput against bare Express 5 and Prism (autocannon)',
    '',
    `${CONNECTIONS} connections, pipelining 1, ${result.seconds} s per run, ${result.rounds} rounds; in each round ` +
      'every server runs each operation once, the order rotating round by round. Each server is its own process ' +
      "on 127.0.0.1: kling-mock's CLI (`--timing fast --no-rate-limit`), bare Express 5 (the mock's copy, same " +
      `routes, no validation, no state) and Prism ${PRISM_VERSION} (\`prism mock -m -v error\` on the same spec/kling.yaml).`,
    '',
    'Req/s are medians over the rounds; the ratios are medians of the ratios within each round (the servers of a ' +
      'round run back to back, while the machine drifts between rounds).',
    '',
    '| operation | kling-mock req/s | bare req/s | Prism req/s | mock/bare | goal | result | mock/Prism | goal | result | p99 mock / bare / Prism |',
    '|---|--:|--:|--:|--:|--:|:-:|--:|--:|:-:|--:|',
  ];
  for (const [name, entries] of operations) {
    const [mock, bare, prism] = ['mock', 'bare', 'prism'].map((server) => rps(entries, server));
    const vsBare = pairedRatio(entries, 'mock', 'bare');
    const vsPrism = pairedRatio(entries, 'mock', 'prism');
    lines.push(
      `| ${name} | ${fmt(mock)} | ${fmt(bare)} | ${fmt(prism)} | **${fmt(vsBare, 2)}** | ≥ ${MOCK_VS_BARE_MIN_RATIO} | ` +
        `${verdict(vsBare >= MOCK_VS_BARE_MIN_RATIO)} | **${fmt(vsPrism, 2)}×** | ≥ ${MOCK_VS_PRISM_MIN_RATIO}× | ` +
        `${verdict(vsPrism >= MOCK_VS_PRISM_MIN_RATIO)} | ${['mock', 'bare', 'prism'].map((server) => `${fmt(p99(entries, server))} ms`).join(' / ')} |`,
    );
    summary.push(
      row(
        `4. ${name}: mock/bare`,
        fmt(vsBare, 2),
        `≥ ${MOCK_VS_BARE_MIN_RATIO}`,
        vsBare >= MOCK_VS_BARE_MIN_RATIO,
      ),
      row(
        `4. ${name}: mock/Prism`,
        `${fmt(vsPrism, 2)}×`,
        `≥ ${MOCK_VS_PRISM_MIN_RATIO}×`,
        vsPrism >= MOCK_VS_PRISM_MIN_RATIO,
      ),
    );
  }
  const callback = rps(runs.createTaskCallback, 'mock');
  const bareCreate = rps(runs.createTask, 'bare');
  const callbackVsBare = median(
    runs.createTaskCallback.map(
      (entry, round) => entry.mock.rps / (runs.createTask[round]?.bare.rps ?? Number.NaN),
    ),
  );
  lines.push(
    `| createTask with callBackUrl → loopback receiver (mock only) | ${fmt(callback)} | ${fmt(bareCreate)} | — | ` +
      `**${fmt(callbackVsBare, 2)}** | — | info | — | — | — | ${fmt(median(runs.createTaskCallback.map((entry) => entry.mock.p99)))} ms / — / — |`,
  );
  summary.push(row('4. createTask with a callback: mock/bare', fmt(callbackVsBare, 2), '—', null));
  const perRound = (entries, names) =>
    entries.map((entry) => names.map((name) => fmt(entry[name].rps)).join(' / ')).join('; ');
  const { memory } = result;
  lines.push(
    '',
    `req/s per round (mock / bare / Prism): createTask ${perRound(runs.createTask, ['mock', 'bare', 'prism'])}; ` +
      `recordInfo ${perRound(runs.recordInfo, ['mock', 'bare', 'prism'])}; createTask with a callback (mock) ` +
      `${perRound(runs.createTaskCallback, ['mock'])}.`,
    'The callback row is compared with the same bare createTask runs (bare Express sends no callbacks): the gap ' +
      'between the two createTask rows is the cost of delivering one callback per task.',
    `VmRSS after all the runs: kling-mock ${fmt(memory.mock.rss)} MiB holding ${fmt(result.mockTasks)} tasks (24 h TTL), ` +
      `bare Express ${fmt(memory.bare.rss)} MiB, Prism ${fmt(memory.prism.rss)} MiB (both stateless). kling-mock ` +
      "validates every request, keeps every task and answers from its state; Prism answers the spec's static " +
      'examples and keeps nothing.',
  );
  return { summary, lines, createTaskRps: rps(runs.createTask, 'mock') };
}
