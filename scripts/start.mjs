#!/usr/bin/env node
// `pnpm start`: the main job, the offline mock of kie.ai serving the playground.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mockServer = join(root, 'apps/mock-server/package.json');

if (!existsSync(mockServer)) {
  console.error(
    [
      'pnpm start runs the mock server (apps/mock-server, `kling-mock`) with the playground, and',
      'neither exists yet: the workspace has only the contract (packages/contract).',
      'What works today: `pnpm test` (spec lint, generated-code drift check, contract tests) and',
      '`pnpm generate` (regenerates packages/contract/src/generated from spec/kling.yaml).',
    ].join('\n'),
  );
  process.exit(1);
}

const child = spawn(
  'pnpm',
  ['--filter', '@kling-kit/mock-server', 'run', 'start', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
