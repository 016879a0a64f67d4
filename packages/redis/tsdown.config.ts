import { defineConfig } from 'tsdown';
import { publishedPackage } from '../../tooling/tsdown/library.mjs';

export default defineConfig(publishedPackage({ entry: ['src/index.ts'], platform: 'node' }));
