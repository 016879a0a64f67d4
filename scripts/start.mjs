#!/usr/bin/env node
// `pnpm start` / `pnpm mock`: builds the mock server and the playground it serves at `/` (turbo, cached),
// then runs `kling-mock` with the arguments given. `pnpm start` passes `--timing fast` so a newcomer sees
// a task finish; kling-mock prints the playground's URL.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'build',
    '--filter=@kling-kit/mock-server...',
    '--filter=@kling-kit/playground...',
    '--output-logs=errors-only',
  ],
  { cwd: root, stdio: 'inherit', env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env } },
);
if (build.status !== 0) {
  console.error('pnpm start: the build failed (see above).');
  process.exit(build.status ?? 1);
}

const child = spawn(
  process.execPath,
  [join(root, 'apps/mock-server/dist/cli.js'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 1)));
