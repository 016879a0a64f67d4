/**
 * results.md from the figures of one run: a summary of every budgeted figure, then one section per
 * benchmark (each written by its own module, next to the code that measures it), then the problems.
 */
import { bundleSection } from './bundle-size.mjs';
import { overheadSection } from './client-overhead.mjs';
import { coldStartSection } from './cold-start.mjs';
import { fmt, verdict } from './format.mjs';
import { jsonSection } from './json-readers.mjs';
import { klingCliSection } from './kling-cli.mjs';
import { memorySection } from './memory.mjs';
import { redisSection } from './redis-scale.mjs';
import { throughputSection } from './throughput.mjs';
import { waitSection } from './wait-economy.mjs';

/** The whole of results.md. */
export function report({
  header,
  sizes,
  extras,
  overhead,
  economy,
  waits,
  throughput,
  held,
  churn,
  cold,
  readers,
  cli,
  redis,
  problems,
  seconds,
}) {
  const tput = throughputSection(throughput);
  const sections = [
    bundleSection(sizes, extras),
    overheadSection(overhead),
    waitSection(economy, waits),
    tput,
    memorySection(held, churn),
    coldStartSection(cold),
    jsonSection(readers, tput.createTaskRps),
    klingCliSection(cli),
    redisSection(redis),
  ];
  const summary = sections.flatMap((section) => section.summary);
  return [
    '# Kling kit benchmarks',
    '',
    ...header,
    `- Whole run: ${fmt(seconds)} s. Ratios and medians of interleaved runs: this machine is noisy, a lone absolute ` +
      'figure means little. Budgets and goals: `bench/src/budgets.mjs`.',
    '',
    '## Summary',
    '',
    '| figure | measured | goal | result |',
    '|---|--:|--:|:-:|',
    ...summary.map(
      (entry) =>
        `| ${entry.figure} | ${entry.measured} | ${entry.goal} | ${entry.ok === null ? 'info' : verdict(entry.ok)} |`,
    ),
    '',
    ...sections.flatMap((section) => [...section.lines, '']),
    '## Problems',
    '',
    ...(problems.length ? problems.map((problem) => `- ${problem}`) : ['None: every run was clean.']),
    '',
  ].join('\n');
}
