import { defineConfig } from 'tsdown';
import { publishedPackage } from '../../tooling/tsdown/library.mjs';

export default defineConfig(
  publishedPackage({ entry: ['src/index.ts', 'src/webhooks.ts', 'src/models.ts'], platform: 'neutral' }),
);
