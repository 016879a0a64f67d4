/**
 * Wait economy: how many polls a wait sends and how late it notices the end, for tasks of 5 s to
 * 10 min, with our schedule (the client's `defaultPollDelay`) against a fixed 500 ms poll (Replicate,
 * fal) and a fixed 6 s poll (Runway). Simulated on a virtual clock: the schedules are pure functions
 * of the state and the task's age, so no real time passes. Then a real check: many concurrent waits
 * against the mock server never exceed kie.ai's 10 queries per second.
 */
import { createKlingClient, defaultPollDelay } from '@kling-kit/client';
import { startMockServer } from '@kling-kit/mock-server';

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
