#!/usr/bin/env node
/**
 * The size budget: the client's main entry bundled for the browser as a user's bundler would
 * (esbuild, minified, ESM, dependencies included), then gzipped. Fails above the budget.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

// The one place every budget lives (plain data, no imports: no dependency cycle with bench/).
import { CLIENT_GZIP_BUDGET_BYTES as BUDGET_BYTES } from '../../../bench/src/budgets.mjs';

async function gzipSize(entry) {
  const result = await build({
    entryPoints: [entry],
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

const main = await gzipSize(new URL('../dist/index.js', import.meta.url).pathname);
const webhooks = await gzipSize(new URL('../dist/webhooks.js', import.meta.url).pathname);
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} kB`;
console.info(
  `@kling-kit/client main entry: ${kb(main.minified)} minified, ${kb(main.gzip)} gzip (budget ${kb(BUDGET_BYTES)})`,
);
console.info(`@kling-kit/client/webhooks:   ${kb(webhooks.minified)} minified, ${kb(webhooks.gzip)} gzip`);
if (main.gzip > BUDGET_BYTES) {
  console.error(`Size budget exceeded by ${main.gzip - BUDGET_BYTES} bytes.`);
  process.exit(1);
}
