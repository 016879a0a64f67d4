/**
 * Cold start and footprint: kling-mock, bare Express and Prism started `runs` times each, interleaved
 * (the order rotates), spawn → first answer of GET /api/v1/chat/credit. The last process of each then
 * takes a short load, its VmRSS read 3 s after each step (tasks finish within 2.4 s): 2 000 createTask
 * without callBackUrl + 2 000 recordInfo, then (mock and bare) 2 000 createTask with a callBackUrl to
 * a loopback receiver, a burst of 2 000 callbacks from the mock.
 */
import { COLD_START_MAX_MS, RSS_AFTER_LOAD_MAX_MIB } from './budgets.mjs';
import { fmt, row, verdict } from './format.mjs';
import { interleaved, load, median, processMemory, sleep, stopServer } from './harness.mjs';
import { LAUNCHERS, operations, PRISM_VERSION, seedBody, startSink } from './servers.mjs';
import { createTask } from './throughput.mjs';

const SERVERS = ['mock', 'bare', 'prism'];
const SERVER_NAMES = { mock: 'kling-mock', bare: 'bare Express', prism: `Prism ${PRISM_VERSION}` };

/** The short load, with the memory after each step. */
async function memoryAfterLoad(name, server, sinkUrl) {
  const taskId = name === 'mock' ? await createTask(server.url, seedBody(`${sinkUrl}/callback`)) : undefined;
  const ops = operations({ sinkUrl, ...(taskId ? { taskId } : {}) });
  const label = `cold-start load ${name}`;
  await load(`${label} createTask`, server.url, ops.createTask, { amount: 2_000 });
  await load(`${label} recordInfo`, server.url, ops.recordInfo, { amount: 2_000 });
  await sleep(3_000);
  const plain = processMemory(server.child.pid);
  if (name === 'prism') {
    return { plain };
  }
  await load(`${label} createTask + callback`, server.url, ops.createTaskCallback, { amount: 2_000 });
  await sleep(3_000);
  return { plain, callbacks: processMemory(server.child.pid) };
}

/** Cold starts (ms) of every server, and the memory of the last process of each after the short load. */
export async function coldStart({ runs = 5, say = () => {} } = {}) {
  const sink = await startSink();
  try {
    const times = Object.fromEntries(SERVERS.map((name) => [name, []]));
    const memory = {};
    for (let run = 0; run < runs; run++) {
      for (const name of interleaved(SERVERS, run)) {
        const server = await LAUNCHERS[name]();
        try {
          times[name].push(server.coldStartMs);
          if (run === runs - 1) {
            say(`cold start: short load on ${name}`);
            memory[name] = await memoryAfterLoad(name, server, sink.url);
          }
        } finally {
          await stopServer(server);
        }
      }
    }
    return { runs, times, memory };
  } finally {
    await stopServer(sink);
  }
}

/** The results.md section and summary rows of cold start and footprint. */
export function coldStartSection(cold) {
  const servers = ['mock', 'bare', 'prism'];
  const ms = Object.fromEntries(servers.map((name) => [name, median(cold.times[name])]));
  const { memory } = cold;
  const startOk = ms.mock <= COLD_START_MAX_MS;
  const rssOk = memory.mock.plain.rss <= RSS_AFTER_LOAD_MAX_MIB;
  const mib = (entry) => (entry ? `${fmt(entry.rss, 1)} MiB (peak ${fmt(entry.hwm, 1)})` : '—');
  return {
    summary: [
      row(
        `6. Cold start (median of ${cold.runs})`,
        `${fmt(ms.mock)} ms (bare ${fmt(ms.bare)}, Prism ${fmt(ms.prism)})`,
        `≤ ${COLD_START_MAX_MS} ms`,
        startOk,
      ),
      row(
        '6. VmRSS after 2 000 createTask + 2 000 recordInfo',
        `${fmt(memory.mock.plain.rss, 1)} MiB`,
        `≤ ${RSS_AFTER_LOAD_MAX_MIB} MiB`,
        rssOk,
      ),
      row(
        '6. VmRSS after 2 000 more createTask with callBackUrl',
        `${fmt(memory.mock.callbacks.rss, 1)} MiB (peak ${fmt(memory.mock.callbacks.hwm, 1)})`,
        '—',
        null,
      ),
    ],
    lines: [
      '## 6. Cold start and footprint: kling-mock, bare Express, Prism',
      '',
      `Spawn → first answer of \`GET /api/v1/chat/credit\`, ${cold.runs} starts of each, interleaved (the order ` +
        'rotates). kling-mock: `node dist/cli.js --port 0 --quiet --timing fast --no-rate-limit --credits …` (its URL ' +
        'read from stdout). Memory: /proc VmRSS (VmHWM = peak) of the last process of each, 3 s after each step ' +
        'of a short load, so tasks and callbacks have finished.',
      '',
      '| figure | kling-mock | bare Express | Prism | mock/bare | mock/Prism | goal | result |',
      '|---|--:|--:|--:|--:|--:|--:|:-:|',
      `| Cold start (median of ${cold.runs}) | ${fmt(ms.mock)} ms | ${fmt(ms.bare)} ms | ${fmt(ms.prism)} ms | ` +
        `${fmt(ms.mock / ms.bare, 2)} | ${fmt(ms.mock / ms.prism, 2)} | ≤ ${COLD_START_MAX_MS} ms | ${verdict(startOk)} |`,
      `| VmRSS after 2 000 createTask + 2 000 recordInfo | ${mib(memory.mock.plain)} | ${mib(memory.bare.plain)} | ` +
        `${mib(memory.prism.plain)} | ${fmt(memory.mock.plain.rss / memory.bare.plain.rss, 2)} | ` +
        `${fmt(memory.mock.plain.rss / memory.prism.plain.rss, 2)} | ≤ ${RSS_AFTER_LOAD_MAX_MIB} MiB | ${verdict(rssOk)} |`,
      `| VmRSS after 2 000 more createTask with callBackUrl (a burst of 2 000 callbacks from the mock) | ` +
        `${mib(memory.mock.callbacks)} | ${mib(memory.bare.callbacks)} | — | ` +
        `${fmt(memory.mock.callbacks.rss / memory.bare.callbacks.rss, 2)} | — | — | info |`,
      '',
      'The RSS goal applies to the load every server can take (bare Express and Prism send no callbacks). The ' +
        'callback row is information: after a burst V8 keeps the heap it grew for the burst, so its RSS varies from ' +
        'run to run with the timing of garbage collection; what stays live is measured by the churn rows (§5).',
      `Runs (ms): ${servers.map((name) => `${SERVER_NAMES[name]} ${cold.times[name].map((value) => fmt(value)).join(', ')}`).join('; ')}.`,
    ],
  };
}
