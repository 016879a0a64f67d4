import { defineConfig } from 'tsdown';
import { publishedPackage } from '../../tooling/tsdown/library.mjs';

export default defineConfig({
  ...publishedPackage({
    entry: ['src/index.ts', 'src/cli.ts'],
    platform: 'node',
    target: 'node20',
    // The CLI is reached through bin/kling-mock.js, not through `exports`.
    esmOnly: ['cli'],
  }),
  // /reference serves Redoc's standalone bundle: the published package carries that one file (and
  // its licence), not `redoc` and the ~85 MB of dependencies it declares.
  copy: [
    { from: 'node_modules/redoc/bundles/redoc.standalone.js', to: 'dist' },
    { from: 'node_modules/redoc/bundles/redoc.standalone.js.LICENSE.txt', to: 'dist' },
  ],
});
