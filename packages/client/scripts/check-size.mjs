#!/usr/bin/env node
/**
 * The size budgets, on the build as a user's bundler sees it (esbuild, minified, browser ESM,
 * dependencies included, gzip -9):
 *
 * - the main entry alone: the default client, which carries `kling/v2-1-pro`'s checks and catalog
 *   entry, at most `CLIENT_GZIP_BUDGET_BYTES`;
 * - for every model of the catalog, what an app adds by importing its definition from
 *   `@kling-kit/client/models` and registering it (`createKlingClient({ models: [definition] })`), at
 *   most `CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES` (so the definitions tree-shake: one model's checks
 *   and entry, not the family's).
 *
 * Prints a table and exits 1 when a figure is over its budget.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

// The one place every budget lives (plain data, no imports: no dependency cycle with bench/).
import {
  CLIENT_GZIP_BUDGET_BYTES as BUDGET_BYTES,
  CLIENT_EXTRA_MODEL_GZIP_BUDGET_BYTES as EXTRA_BUDGET_BYTES,
} from '../../../bench/src/budgets.mjs';

const dist = (file) => new URL(`../dist/${file}`, import.meta.url).pathname;
const MAIN = dist('index.js');
const MODELS = dist('models.js');

/** Minified and gzipped bytes of a module's source, bundled. */
async function gzipSize(contents) {
  const result = await build({
    stdin: { contents, resolveDir: dist(''), loader: 'js' },
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

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} kB`;
const over = [];

const main = await gzipSize(`export * from ${JSON.stringify(MAIN)};`);
const webhooks = await gzipSize(`export * from ${JSON.stringify(dist('webhooks.js'))};`);
console.info(
  `@kling-kit/client main entry: ${kb(main.minified)} minified, ${kb(main.gzip)} gzip (budget ${kb(BUDGET_BYTES)})`,
);
console.info(`@kling-kit/client/webhooks:   ${kb(webhooks.minified)} minified, ${kb(webhooks.gzip)} gzip`);
if (main.gzip > BUDGET_BYTES) {
  over.push(`the main entry: ${main.gzip} B, ${main.gzip - BUDGET_BYTES} B over ${BUDGET_BYTES} B`);
}

// Each model against the same app with the default client, so the difference is the model alone.
const app = (registered) =>
  `export * from ${JSON.stringify(MAIN)};
import { createKlingClient } from ${JSON.stringify(MAIN)};
${registered ? `import { ${registered} } from ${JSON.stringify(MODELS)};` : ''}
export const kling = createKlingClient(${registered ? `{ models: [${registered}] }` : ''});`;
const definitions = await import(MODELS);
const exportOf = (id) =>
  Object.keys(definitions).find((name) => definitions[name]?.validate && definitions[name].id === id);
const base = await gzipSize(app());
const rows = [];
for (const { id } of definitions.models) {
  const name = exportOf(id);
  if (!name) {
    over.push(`${id}: no definition exported by @kling-kit/client/models`);
    continue;
  }
  const extra = (await gzipSize(app(name))).gzip - base.gzip;
  rows.push({ id, name, extra });
  if (extra > EXTRA_BUDGET_BYTES) {
    over.push(
      `${id} (${name}): adds ${extra} B, ${extra - EXTRA_BUDGET_BYTES} B over ${EXTRA_BUDGET_BYTES} B`,
    );
  }
}
console.info(
  `\nEach model registered from @kling-kit/client/models, on top of the main entry (budget ${EXTRA_BUDGET_BYTES} B gzip):`,
);
const width = Math.max(...rows.map((row) => row.id.length));
for (const { id, name, extra } of rows) {
  console.info(
    `  ${id.padEnd(width)}  ${name.padEnd(30)} ${String(extra).padStart(5)} B  ${extra <= EXTRA_BUDGET_BYTES ? 'ok' : 'OVER'}`,
  );
}

if (over.length > 0) {
  console.error(`\nSize budget exceeded:\n${over.map((line) => `  - ${line}`).join('\n')}`);
  process.exit(1);
}
