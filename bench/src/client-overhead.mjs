/**
 * Client overhead: createTask + getTask through @kling-kit/client vs the same two calls through
 * bare `fetch`, against the same mock server, interleaved pair by pair; the ratio of the medians.
 */
import { createKlingClient } from '@kling-kit/client';
import { startMockServer } from '@kling-kit/mock-server';
import { CLIENT_OVERHEAD_MAX_RATIO } from './budgets.mjs';
import { row, verdict } from './format.mjs';
import { median } from './harness.mjs';

const INPUT = {
  prompt: 'A paper boat drifting down a rain-soaked street',
  image_url: 'https://example.com/boat.jpg',
};

/** Runs `iterations` interleaved pairs; returns medians (ms) and their ratio. */
export async function clientOverhead(iterations = 400) {
  const mock = await startMockServer({
    port: 0,
    timing: 'fast',
    rateLimit: false,
    credits: 1e12,
    seed: 'overhead',
    loopbackOnly: true,
  });
  try {
    const apiKey = 'bench-key';
    const headers = { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' };
    const body = JSON.stringify({ model: 'kling/v2-1-pro', input: INPUT });
    const bare = async () => {
      const created = await (
        await fetch(`${mock.url}/api/v1/jobs/createTask`, { method: 'POST', headers, body })
      ).json();
      const record = await fetch(`${mock.url}/api/v1/jobs/recordInfo?taskId=${created.data.taskId}`, {
        headers,
      });
      const parsed = await record.json();
      if (parsed.code !== 200) {
        throw new Error(`bare fetch failed: ${parsed.code}`);
      }
    };
    const kling = createKlingClient({ apiKey, baseUrl: mock.url });
    const viaClient = async () => {
      const handle = await kling.createTask({ input: INPUT });
      await kling.getTask(handle.taskId);
    };
    const times = { bare: [], client: [] };
    const timed = async (name, run) => {
      const started = performance.now();
      await run();
      times[name].push(performance.now() - started);
    };
    for (let i = 0; i < 50; i++) {
      await bare();
      await viaClient();
    }
    for (let i = 0; i < iterations; i++) {
      // Alternate which goes first, so neither always runs on a warmer connection.
      if (i % 2 === 0) {
        await timed('bare', bare);
        await timed('client', viaClient);
      } else {
        await timed('client', viaClient);
        await timed('bare', bare);
      }
    }
    const bareMs = median(times.bare);
    const clientMs = median(times.client);
    return { iterations, bareMs, clientMs, ratio: clientMs / bareMs };
  } finally {
    await mock.close();
  }
}

/** The results.md section and summary row of the client overhead. */
export function overheadSection(overhead) {
  const ok = overhead.ratio <= CLIENT_OVERHEAD_MAX_RATIO;
  return {
    summary: [
      row(
        '2. Client overhead vs bare fetch',
        overhead.ratio.toFixed(3),
        `≤ ${CLIENT_OVERHEAD_MAX_RATIO}`,
        ok,
      ),
    ],
    lines: [
      '## 2. Client overhead: createTask + getTask, client vs bare fetch (same in-process mock, interleaved)',
      '',
      '| iterations | bare fetch median | client median | ratio | budget | result |',
      '|--:|--:|--:|--:|--:|:-:|',
      `| ${overhead.iterations} | ${overhead.bareMs.toFixed(2)} ms | ${overhead.clientMs.toFixed(2)} ms | ` +
        `${overhead.ratio.toFixed(3)} | ≤ ${CLIENT_OVERHEAD_MAX_RATIO} | ${verdict(ok)} |`,
    ],
  };
}
