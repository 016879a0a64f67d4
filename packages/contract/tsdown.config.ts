import { defineConfig } from 'tsdown';
import { publishedPackage } from '../../tooling/tsdown/library.mjs';

export default defineConfig(
  // One file per module, so bundlers drop what a consumer does not import (sideEffects: false).
  publishedPackage({
    entry: ['src/index.ts', 'src/zod.ts', 'src/models.ts'],
    platform: 'neutral',
    unbundle: true,
  }),
);
