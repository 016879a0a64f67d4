#!/usr/bin/env node
/**
 * `pnpm bench`: every benchmark of the kit in one run, side by side with its peers, printed and
 * written to bench/results.md. Needs the build (`pnpm bench` builds first). Exits 0 even when a goal
 * is missed (results.md says so), 1 when a benchmark crashes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform } from 'node:os';
import { version as esbuildVersion } from 'esbuild';
import { bundleSizes, modelExtras } from './bundle-size.mjs';
import { clientOverhead } from './client-overhead.mjs';
import { coldStart } from './cold-start.mjs';
import { closeAgent, killAll, problems } from './harness.mjs';
import { jsonReaders } from './json-readers.mjs';
import { klingCli } from './kling-cli.mjs';
import { churn, heldTasks } from './memory.mjs';
import { redisScale } from './redis-scale.mjs';
import { report } from './report.mjs';
import { ensurePrism, PRISM_VERSION } from './servers.mjs';
import { throughput } from './throughput.mjs';
import { concurrentWaits, waitEconomy } from './wait-economy.mjs';

const root = new URL('../../', import.meta.url);
const started = performance.now();
const manifest = (path) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const say = (text) =>
  console.info(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${text}`);

async function main() {
  ensurePrism();
  const header = [
    `- Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${platform()}; Node ${process.version}; ${new Date().toISOString()}`,
    `- Tools: esbuild ${esbuildVersion}, autocannon ${manifest('bench/package.json').devDependencies.autocannon}, ` +
      `Express ${manifest('apps/mock-server/package.json').dependencies.express} (mock and bare), Prism ${PRISM_VERSION}; ` +
      `@kling-kit/client ${manifest('packages/client/package.json').version}, @kling-kit/mock-server ` +
      `${manifest('apps/mock-server/package.json').version}`,
  ];
  say('1. client bundle sizes, and what each model adds');
  const sizes = await bundleSizes();
  const extras = await modelExtras();
  say('2. client overhead (interleaved with bare fetch)');
  const overhead = await clientOverhead(1_000);
  say('3. wait economy (virtual clock) and concurrent waits (in-process mock)');
  const economy = waitEconomy();
  const waits = await concurrentWaits();
  say('4. mock throughput against bare Express and Prism');
  const tput = await throughput({ say });
  say('5. mock memory: held tasks, then churn');
  const held = await heldTasks();
  const churned = await churn({ say });
  say('6. cold start and footprint: mock, bare Express, Prism');
  const cold = await coldStart({ say });
  say('7. JSON body readers (in-process microbenchmark)');
  const readers = await jsonReaders();
  say('8. the kling command line: cold start, a 100-job batch, a 100 MB download');
  const cli = await klingCli({ say });
  say('9. scaling out: several processes on one key, with and without @kling-kit/redis');
  const redis = await redisScale({ say });
  const text = report({
    header,
    sizes,
    extras,
    overhead,
    economy,
    waits,
    throughput: tput,
    held,
    churn: churned,
    cold,
    readers,
    cli,
    redis,
    problems,
    seconds: (performance.now() - started) / 1000,
  });
  writeFileSync(new URL('bench/results.md', root), text);
  console.info(`\n${text}`);
  say('written to bench/results.md');
}

main().then(
  () => {
    closeAgent();
    process.exit(0);
  },
  (error) => {
    console.error(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}`);
    killAll();
    process.exit(1);
  },
);
