#!/usr/bin/env node
/**
 * `pnpm bench`: every benchmark of the kit in one run, side by side with its peers, printed and
 * written to bench/results.md. Ratios and medians only: these machines are noisy.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { version as esbuildVersion } from 'esbuild';
import { bundleSizes } from './bundle-size.mjs';
import { clientOverhead } from './client-overhead.mjs';
import { versusPrism } from './prism.mjs';
import { concurrentWaits, SCHEDULES, waitEconomy } from './wait-economy.mjs';

const root = new URL('../../', import.meta.url).pathname;
const started = Date.now();
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} kB`;
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const manifest = (path) => JSON.parse(readFileSync(`${root}${path}`, 'utf8'));
const benchDeps = manifest('bench/package.json').devDependencies;
const out = [
  '# Kling kit benchmarks',
  '',
  `- Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; Node ${process.version}; ${new Date().toISOString()}`,
  `- Tools: esbuild ${esbuildVersion}, autocannon ${benchDeps.autocannon}, Express ` +
    `${manifest('apps/mock-server/package.json').dependencies.express} (mock and bare), Prism 5.14.2; ` +
    `@kling-kit/client ${manifest('packages/client/package.json').version}`,
  '',
];
const say = (text) => console.info(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${text}`);

say('1. client bundle sizes');
const sizes = await bundleSizes();
const ours = sizes.find((row) => row.ours);
const peers = sizes.filter((row) => !row.ours && !row.bare);
out.push(
  '## 1. Client bundle size (esbuild, minified, browser ESM, gzip -9)',
  '',
  '| client | minified | gzip | vs @kling-kit/client |',
  '|---|--:|--:|--:|',
  ...sizes.map(
    (row) =>
      `| ${row.name} | ${kb(row.minified)} | ${kb(row.gzip)} | ${(row.gzip / ours.gzip).toFixed(2)}× |`,
  ),
  '',
  `Budget ≤ 8 kB gzip: ${verdict(ours.gzip <= 8192)}. Smaller than every peer except bare openapi-fetch: ` +
    `${verdict(peers.every((row) => row.gzip > ours.gzip))}` +
    ` (smallest peer: ${peers.sort((a, b) => a.gzip - b.gzip)[0].name}, ${kb(peers[0].gzip)}).`,
  '',
);

say('2. client overhead (interleaved with bare fetch)');
const overhead = await clientOverhead(1_000);
out.push(
  '## 2. Client overhead: createTask + getTask, client vs bare fetch (same mock, interleaved)',
  '',
  '| iterations | bare fetch median | client median | ratio | budget | result |',
  '|--:|--:|--:|--:|--:|:-:|',
  `| ${overhead.iterations} | ${overhead.bareMs.toFixed(2)} ms | ${overhead.clientMs.toFixed(2)} ms | ` +
    `${overhead.ratio.toFixed(3)} | ≤ 1.15 | ${verdict(overhead.ratio <= 1.15)} |`,
  '',
);

say('3. wait economy (virtual clock) and concurrent waits (real mock)');
const economy = waitEconomy();
const names = Object.keys(SCHEDULES);
out.push(
  '## 3. Wait economy: polls per task / detection lag',
  '',
  `| task length | ${names.join(' | ')} |`,
  `|--:|${names.map(() => '--:').join('|')}|`,
  ...economy.map(
    (row) =>
      `| ${row.seconds} s | ${names.map((name) => `${row.results[name].polls.toFixed(1)} polls / ${(row.results[name].lagMs / 1000).toFixed(2)} s`).join(' | ')} |`,
  ),
  '',
);
const ourName = names[0];
const lagOk = economy.every(({ seconds, results }) => {
  const lagMs = results[ourName].lagMs;
  return seconds <= 30 ? lagMs <= 3_000 : lagMs <= seconds * 100;
});
const totalPolls = (name) => economy.reduce((sum, { results }) => sum + results[name].polls, 0);
const pollRatio = totalPolls(names[1]) / totalPolls(ourName);
const waits = await concurrentWaits();
out.push(
  `Lag ≤ 3 s up to 30 s and ≤ 10 % of the task's length after: ${verdict(lagOk)}. ` +
    `Polls over all task lengths: ${totalPolls(ourName).toFixed(0)} against ${totalPolls(names[1]).toFixed(0)} for the 500 ms ` +
    `schedule, ${pollRatio.toFixed(1)}× fewer (target ≥ 10×): ${verdict(pollRatio >= 10)}.`,
  '',
  `Concurrent waits through one client (one key, mock rate limit off): ${waits.count} tasks, ` +
    `${waits.succeeded} succeeded in ${waits.seconds.toFixed(1)} s with ${waits.queries} recordInfo queries; ` +
    `most queries in any second: **${waits.maxPerSecond}** (kie.ai allows 10): ${verdict(waits.maxPerSecond <= 10)}.`,
  '',
);

say('4–6. mock server throughput, memory, cold start (apps/mock-server/scripts/bench.mjs)');
const mockBench = spawnSync(process.execPath, ['apps/mock-server/scripts/bench.mjs'], {
  cwd: root,
  stdio: 'inherit',
});
if (mockBench.status === 0) {
  const report = readFileSync(`${root}apps/mock-server/bench-results.md`, 'utf8');
  out.push(
    '## 4–6. Mock server',
    '',
    ...report.split('\n').slice(report.split('\n').indexOf('## Summary') + 1),
    '',
  );
} else {
  out.push('## 4–6. Mock server', '', `The mock server benchmark failed (exit ${mockBench.status}).`, '');
}

say('4 and 6 against Prism 5.14.2 (same spec, interleaved)');
const prism = await versusPrism();
const fmt = (value) => Math.round(value).toLocaleString('en-US');
out.push(
  '## 4 and 6 against Stoplight Prism 5.14.2 (`prism mock -m -v error`, same spec/kling.yaml, interleaved)',
  '',
  '| figure | kling-mock | Prism | kling-mock/Prism | goal | result |',
  '|---|--:|--:|--:|--:|:-:|',
  ...['createTask', 'recordInfo'].map((operation) => {
    const row = prism[operation];
    return (
      `| ${operation} req/s (median; p99) | ${fmt(row.mock)}; ${fmt(row.p99.mock)} ms | ${fmt(row.prism)}; ` +
      `${fmt(row.p99.prism)} ms | ${row.ratio.toFixed(2)}× | ≥ 1.5× | ${verdict(row.ratio >= 1.5)} |`
    );
  }),
  `| cold start, spawn → first answer (median of ${prism.coldStartRuns.mock.length}) | ${fmt(prism.coldStartMs.mock)} ms | ${fmt(prism.coldStartMs.prism)} ms | ${(prism.coldStartMs.mock / prism.coldStartMs.prism).toFixed(2)} | ≤ 300 ms | ${verdict(prism.coldStartMs.mock <= 300)} |`,
  `| RSS 3 s after 2 000 createTask + 2 000 recordInfo | ${prism.footprintMiB.mock.toFixed(0)} MiB | ${prism.footprintMiB.prism.toFixed(0)} MiB | ${(prism.footprintMiB.mock / prism.footprintMiB.prism).toFixed(2)} | ≤ 130 MiB | ${verdict(prism.footprintMiB.mock <= 130)} |`,
  `| RSS after the throughput runs (max) | ${prism.afterThroughput.mock.rss.toFixed(0)} MiB, ${fmt(prism.afterThroughput.mock.tasks)} tasks held | ${prism.afterThroughput.prism.rss.toFixed(0)} MiB, stateless | ${(prism.afterThroughput.mock.rss / prism.afterThroughput.prism.rss).toFixed(2)} | — | info |`,
  '',
  `Cold start runs (ms): kling-mock ${prism.coldStartRuns.mock.map(fmt).join(', ')}; Prism ${prism.coldStartRuns.prism.map(fmt).join(', ')}.`,
  "kling-mock validates every request, keeps every task (24 h by default, `--task-ttl`) and answers from its state; Prism answers the spec's static examples and keeps nothing.",
  `Errors or non-2xx answers during these runs: ${prism.createTask.errors + prism.recordInfo.errors}.`,
  '',
);

out.push(`Whole run: ${((Date.now() - started) / 1000).toFixed(0)} s.`);
const text = `${out.join('\n')}\n`;
writeFileSync(new URL('../results.md', import.meta.url), text);
console.info(`\n${text}`);
