import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/zod.ts'],
  format: ['esm'],
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  clean: true,
  // No source maps in the published build: they would point at src/, which is not published.
  sourcemap: false,
  // One file per module, so bundlers drop what a consumer does not import (sideEffects: false).
  unbundle: true,
});
