/**
 * Wait economy: how many polls a wait sends and how late it notices the end, for tasks of 5 s to
 * 10 min, with our schedule (the client's `defaultPollDelay`) against a fixed 500 ms poll (Replicate,
 * fal) and a fixed 6 s poll (Runway). Simulated on a virtual clock: the schedules are pure functions
 * of the state and the task's age, so no real time passes. Then a real check: many concurrent waits
 * against the mock server never exceed kie.ai's 10 queries per second.
 */
import { createKlingClient, defaultPollDelay } from '@kling-kit/client';
import { RATE_LIMITS } from '@kling-kit/contract';
import { startMockServer } from '@kling-kit/mock-server';
import {
  WAIT_LONG_LAG_SHARE,
  WAIT_POLLS_FEWER_THAN_500MS,
  WAIT_SHORT_LAG_MS,
  WAIT_SHORT_TASK_S,
} from './budgets.mjs';
import { pct, row, verdict } from './format.mjs';

export const TASK_SECONDS = [5, 15, 30, 60, 120, 300, 600];

/** The state of a task of total length `total` at age `t` (queued for the first tenth, then generating). */
const stateAt = (t, total) => (t >= total ? 'success' : t < total * 0.1 ? 'queuing' : 'generating');

/** Polls and detection lag of one schedule for tasks lasting about `nominalMs` (±10 %); first poll at age 0. */
function simulate(delay, nominalMs, runs = 400) {
  let polls = 0;
  let lag = 0;
  for (let run = 0; run < runs; run++) {
    // Spread the end over ±10 %, so a fixed schedule does not line up with round task lengths.
    const totalMs = nominalMs * (0.9 + (0.2 * (run + 0.5)) / runs);
    let t = 0;
    for (;;) {
      polls++;
      const state = stateAt(t, totalMs);
      if (state === 'success') {
        lag += t - totalMs;
        break;
      }
      t += delay(state, t);
    }
  }
  return { polls: polls / runs, lagMs: lag / runs };
}

export const SCHEDULES = {
  'kling-kit (state-aware)': defaultPollDelay,
  'fixed 500 ms (Replicate, fal)': () => 500,
  'fixed 6 s (Runway)': () => 6_000,
};

/** Polls per task and detection lag for every schedule and task length. */
export function waitEconomy() {
  return TASK_SECONDS.map((seconds) => ({
    seconds,
    results: Object.fromEntries(
      Object.entries(SCHEDULES).map(([name, delay]) => [name, simulate(delay, seconds * 1000)]),
    ),
  }));
}

/**
 * Starts `count` waits at once through one client (one API key) and reports the most recordInfo
 * queries it sent in any second. The mock's own rate limit is off, so only the client paces.
 */
export async function concurrentWaits(count = 200) {
  const times = [];
  const mock = await startMockServer({
    port: 0,
    rateLimit: false,
    credits: 1e12,
    seed: 'waits',
    loopbackOnly: true,
    timing: { waitingMs: 200, queuingMs: 300, generatingMs: 2_500 },
  });
  try {
    // Counted where the client sends: the mock logs an answer when it finishes, and a busy server
    // can finish a second's worth of queries late, all at once.
    const kling = createKlingClient({
      apiKey: 'bench-key',
      baseUrl: mock.url,
      hooks: {
        onRequest: ({ request }) => {
          if (request === 'GET /api/v1/jobs/recordInfo') {
            times.push(performance.now());
          }
        },
      },
    });
    const input = { prompt: 'A paper boat', image_url: 'https://example.com/a.png' };
    const handles = await Promise.all(Array.from({ length: count }, () => kling.createTask({ input })));
    const started = Date.now();
    const settled = await Promise.allSettled(
      handles.map((handle) => kling.waitForTask(handle, { timeoutMs: 120_000 })),
    );
    let maxPerSecond = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (j < times.length && times[j] - times[i] < 1_000) {
        j++;
      }
      maxPerSecond = Math.max(maxPerSecond, j - i);
    }
    return {
      count,
      succeeded: settled.filter((result) => result.status === 'fulfilled').length,
      queries: times.length,
      maxPerSecond,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await mock.close();
  }
}

/** The results.md section and summary rows of the wait economy and the concurrent waits. */
export function waitSection(economy, waits) {
  const names = Object.keys(SCHEDULES);
  const [ours, fixed500] = names;
  const lagOk = economy.every(({ seconds, results }) =>
    seconds <= WAIT_SHORT_TASK_S
      ? results[ours].lagMs <= WAIT_SHORT_LAG_MS
      : results[ours].lagMs <= seconds * 1000 * WAIT_LONG_LAG_SHARE,
  );
  const short = economy.filter(({ seconds }) => seconds <= WAIT_SHORT_TASK_S);
  const long = economy.filter(({ seconds }) => seconds > WAIT_SHORT_TASK_S);
  const shortLag = Math.max(...short.map(({ results }) => results[ours].lagMs));
  const longShare = Math.max(...long.map(({ seconds, results }) => results[ours].lagMs / (seconds * 1000)));
  const totalPolls = (name) => economy.reduce((sum, { results }) => sum + results[name].polls, 0);
  const pollRatio = totalPolls(fixed500) / totalPolls(ours);
  const allowed = RATE_LIMITS.getTaskRecord.limit;
  const paced = waits.maxPerSecond <= allowed;
  return {
    summary: [
      row(
        '3. Wait: worst detection lag',
        `${(shortLag / 1000).toFixed(2)} s, then ${pct(longShare)}`,
        `≤ ${WAIT_SHORT_LAG_MS / 1000} s, then ≤ ${pct(WAIT_LONG_LAG_SHARE)}`,
        lagOk,
      ),
      row(
        '3. Wait: polls vs a fixed 500 ms poll',
        `${pollRatio.toFixed(1)}× fewer`,
        `≥ ${WAIT_POLLS_FEWER_THAN_500MS}×`,
        pollRatio >= WAIT_POLLS_FEWER_THAN_500MS,
      ),
      row(
        `3. ${waits.count} concurrent waits: most queries in a second`,
        String(waits.maxPerSecond),
        `≤ ${allowed} (kie.ai)`,
        paced,
      ),
    ],
    lines: [
      '## 3. Wait economy: polls per task / detection lag (virtual clock)',
      '',
      `| task length | ${names.join(' | ')} |`,
      `|--:|${names.map(() => '--:').join('|')}|`,
      ...economy.map(
        (entry) =>
          `| ${entry.seconds} s | ${names.map((name) => `${entry.results[name].polls.toFixed(1)} polls / ${(entry.results[name].lagMs / 1000).toFixed(2)} s`).join(' | ')} |`,
      ),
      '',
      `Lag ≤ ${WAIT_SHORT_LAG_MS / 1000} s up to ${WAIT_SHORT_TASK_S} s and ≤ ${pct(WAIT_LONG_LAG_SHARE)} of the task's length after: ${verdict(lagOk)}. ` +
        `Polls over all task lengths: ${totalPolls(ours).toFixed(0)} against ${totalPolls(fixed500).toFixed(0)} for the 500 ms ` +
        `schedule, ${pollRatio.toFixed(1)}× fewer (target ≥ ${WAIT_POLLS_FEWER_THAN_500MS}×): ${verdict(pollRatio >= WAIT_POLLS_FEWER_THAN_500MS)}.`,
      '',
      `Concurrent waits through one client (one key, mock rate limit off): ${waits.count} tasks, ` +
        `${waits.succeeded} succeeded in ${waits.seconds.toFixed(1)} s with ${waits.queries} recordInfo queries; ` +
        `most queries in any second: **${waits.maxPerSecond}** (kie.ai allows ${allowed}, from the spec): ${verdict(paced)}.`,
    ],
  };
}
