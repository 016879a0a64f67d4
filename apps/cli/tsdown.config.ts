import { defineConfig } from 'tsdown';
import { publishedPackage } from '../../tooling/tsdown/library.mjs';

export default defineConfig(
  publishedPackage({
    entry: ['src/index.ts', 'src/cli.ts'],
    platform: 'node',
    target: 'node20',
    // The command is reached through bin/kling.js, not through `exports`.
    esmOnly: ['cli'],
  }),
);
