import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: true,
  platform: 'node',
  target: 'node20',
  clean: true,
  // No source maps in the published build: they would point at src/, which is not published.
  sourcemap: false,
  fixedExtension: false,
});
