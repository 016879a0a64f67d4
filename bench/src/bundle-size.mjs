/**
 * Bundle size: each client's main entry bundled for the browser the same way (esbuild, minified,
 * ESM, dependencies included), then gzipped, in one run. For our client, also what each model of the
 * catalog adds when an app imports its definition from `@kling-kit/client/models` and registers it.
 */
import { gzipSync } from 'node:zlib';
import * as definitions from '@kling-kit/client/models';
import { build } from 'esbuild';
import { CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES, CLIENT_GZIP_BUDGET_BYTES } from './budgets.mjs';
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

/**
 * Swaps the model definitions for one that checks nothing: what the client weighs without the local
 * validation of the default model, which none of the peers has (they send any input as it is).
 */
const withoutLocalValidation = {
  name: 'without-local-validation',
  setup(build) {
    const stubs = Object.entries(definitions)
      .filter(([, value]) => value?.validate)
      .map(
        ([name, { id, aliases }]) =>
          `export const ${name} = { id: ${JSON.stringify(id)}, aliases: ${JSON.stringify(aliases)}, validate: (value) => ({ ok: true, value }) };`,
      );
    build.onLoad({ filter: /contract[\\/]dist[\\/]generated[\\/]definitions\.js$/ }, () => ({
      contents: stubs.join('\n'),
      loader: 'js',
    }));
  },
};

/** Minified and gzipped bytes of one import (`validation: false` drops the default model's checks). */
export async function measure(source, { validation = true } = {}) {
  const result = await build({
    stdin: { contents: source, resolveDir: new URL('.', import.meta.url).pathname, loader: 'js' },
    plugins: validation ? [] : [withoutLocalValidation],
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

/** An app of the main entry with a client, registering `definition` (an export name) or the default. */
const appWith = (definition) =>
  `export * from '@kling-kit/client';
import { createKlingClient } from '@kling-kit/client';
${definition ? `import { ${definition} } from '@kling-kit/client/models';` : ''}
export const kling = createKlingClient(${definition ? `{ models: [${definition}] }` : ''});`;

/**
 * What each model of the catalog adds to an app on the main entry: the app registering its definition
 * minus the same app with the default client, gzipped. In the catalog's order (the default first).
 */
export async function modelExtras() {
  const base = await measure(appWith());
  const rows = [];
  for (const { id } of definitions.models) {
    const [name] = Object.entries(definitions).find(([, value]) => value?.validate && value.id === id) ?? [];
    if (!name) {
      throw new Error(`@kling-kit/client/models exports no definition of ${id}`);
    }
    const size = await measure(appWith(name));
    rows.push({ id, name, extra: size.gzip - base.gzip });
  }
  return rows;
}

/**
 * Every client's size, ours first. Ours is also measured without the local validation of its default
 * model (`withoutValidation`), the like-for-like figure: no peer checks inputs before sending them.
 */
export async function bundleSizes() {
  const rows = [];
  for (const client of CLIENTS) {
    const size = await measure(client.source);
    rows.push(
      client.ours
        ? { ...client, ...size, withoutValidation: await measure(client.source, { validation: false }) }
        : { ...client, ...size },
    );
  }
  return rows;
}

/** The results.md section and summary rows of the bundle sizes and the models' extras. */
export function bundleSection(sizes, extras) {
  const ours = sizes.find((entry) => entry.ours);
  const peers = sizes.filter((entry) => !entry.ours && !entry.bare).sort((a, b) => a.gzip - b.gzip);
  const underBudget = ours.gzip <= CLIENT_GZIP_BUDGET_BYTES;
  const smallest = peers.every((entry) => entry.gzip > ours.gzip);
  const transport = ours.withoutValidation;
  const smallestLikeForLike = peers.every((entry) => entry.gzip > transport.gzip);
  const largest = extras.reduce((max, entry) => (entry.extra > max.extra ? entry : max), extras[0]);
  const within = extras.filter((entry) => entry.extra <= CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES);
  const extrasOk = within.length === extras.length;
  return {
    summary: [
      row('1. Client bundle, gzip', kb(ours.gzip), `≤ ${kb(CLIENT_GZIP_BUDGET_BYTES)}`, underBudget),
      row(
        '1. Client bundle without local validation vs the smallest peer (like for like)',
        `${kb(transport.gzip)} vs ${kb(peers[0].gzip)}`,
        'smaller',
        smallestLikeForLike,
      ),
      row(
        '1. Client bundle with the default model validated locally vs the smallest peer',
        `${kb(ours.gzip)} vs ${kb(peers[0].gzip)}`,
        'report',
        true,
      ),
      row(
        `1. Each other model registered (${extras.length} models), gzip`,
        `max ${largest.extra} B (${largest.id}); ${within.length}/${extras.length} within`,
        `≤ ${CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES} B each`,
        extrasOk,
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
      `Budget ≤ ${kb(CLIENT_GZIP_BUDGET_BYTES)} gzip: ${verdict(underBudget)}. The main entry includes the local ` +
        `validation of the default model, \`kling/v2-1-pro\` (${ours.gzip - transport.gzip} B gzip), which no peer ` +
        `has: without it, the client weighs ${kb(transport.gzip)}, smaller than every peer except bare ` +
        `openapi-fetch: ${verdict(smallestLikeForLike)} (smallest peer: ${peers[0].name}, ${kb(peers[0].gzip)}). ` +
        `With it: ${smallest ? 'smaller than every peer too' : `${((ours.gzip / peers[0].gzip - 1) * 100).toFixed(1)} % above ${peers[0].name}`}.`,
      '',
      'What each model adds to an app on the main entry: its definition imported from `@kling-kit/client/models` ' +
        'and registered (`createKlingClient({ models: [definition] })`), against the same app with the default ' +
        'client, gzip -9. The main entry already carries the default model, `kling/v2-1-pro`.',
      '',
      '| model | definition | extra gzip | budget | result |',
      '|---|---|--:|--:|:-:|',
      ...extras.map(
        (entry) =>
          `| \`${entry.id}\` | \`${entry.name}\` | ${entry.extra} B | ≤ ${CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES} B | ` +
          `${verdict(entry.extra <= CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES)} |`,
      ),
    ],
  };
}
