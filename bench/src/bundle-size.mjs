/**
 * Bundle size: each client's main entry bundled for the browser the same way (esbuild, minified,
 * ESM, dependencies included), then gzipped, in one run.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { CLIENT_GZIP_BUDGET_BYTES } from './budgets.mjs';
import { kb, row, verdict } from './format.mjs';

/** The clients compared, each as the import a user writes. */
export const CLIENTS = [
  { name: '@kling-kit/client', source: "export * from '@kling-kit/client';", ours: true },
  { name: 'openapi-fetch 0.17 (bare)', source: "export { default } from 'openapi-fetch';", bare: true },
  { name: 'replicate 1.4.0', source: "export { default } from 'replicate';" },
  { name: '@fal-ai/client 1.10.1', source: "export { fal, createFalClient } from '@fal-ai/client';" },
  { name: '@runwayml/sdk 4.20.1', source: "export { default } from '@runwayml/sdk';" },
  { name: 'openai 6.49.0', source: "export { default } from 'openai';" },
];

/** Minified and gzipped bytes of one import. */
export async function measure(source) {
  const result = await build({
    stdin: { contents: source, resolveDir: new URL('.', import.meta.url).pathname, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/** Every client's size, ours first. */
export async function bundleSizes() {
  const rows = [];
  for (const client of CLIENTS) {
    rows.push({ ...client, ...(await measure(client.source)) });
  }
  return rows;
}

/** The results.md section and summary rows of the bundle sizes. */
export function bundleSection(sizes) {
  const ours = sizes.find((entry) => entry.ours);
  const peers = sizes.filter((entry) => !entry.ours && !entry.bare).sort((a, b) => a.gzip - b.gzip);
  const underBudget = ours.gzip <= CLIENT_GZIP_BUDGET_BYTES;
  const smallest = peers.every((entry) => entry.gzip > ours.gzip);
  return {
    summary: [
      row('1. Client bundle, gzip', kb(ours.gzip), `≤ ${kb(CLIENT_GZIP_BUDGET_BYTES)}`, underBudget),
      row(
        '1. Client bundle vs the smallest peer',
        `${kb(ours.gzip)} vs ${kb(peers[0].gzip)}`,
        'smaller',
        smallest,
      ),
    ],
    lines: [
      '## 1. Client bundle size (esbuild, minified, browser ESM, gzip -9)',
      '',
      '| client | minified | gzip | vs @kling-kit/client |',
      '|---|--:|--:|--:|',
      ...sizes.map(
        (entry) =>
          `| ${entry.name} | ${kb(entry.minified)} | ${kb(entry.gzip)} | ${(entry.gzip / ours.gzip).toFixed(2)}× |`,
      ),
      '',
      `Budget ≤ ${kb(CLIENT_GZIP_BUDGET_BYTES)} gzip: ${verdict(underBudget)}. Smaller than every peer except bare ` +
        `openapi-fetch: ${verdict(smallest)} (smallest peer: ${peers[0].name}, ${kb(peers[0].gzip)}).`,
    ],
  };
}
