#!/usr/bin/env node
/**
 * `pnpm test:release`: the whole release flow, offline and in throwaway folders.
 *
 * 1. Copies the repository (without node_modules, dist, caches, .git) to a temporary folder:
 *    the real working tree and its .changeset folder are never touched.
 * 2. In the copy: writes a changeset, `pnpm install --frozen-lockfile --prefer-offline`,
 *    `changeset version`, then `pnpm release` (build, then `changeset publish`) against
 * 3. a Verdaccio started in this process on a random loopback port, with a temporary storage folder,
 *    anonymous publish and no uplinks (it never fetches anything).
 * 4. In a fresh project with no workspace links: `npm install @kling-kit/client @kling-kit/mock-server
 *    @kling-kit/cli` with the @kling-kit scope pointed at that registry, checks what arrived (versions,
 *    resolved internal ranges, the changelog), runs `npx kling-mock --help`, and runs smoke/consumer.mjs:
 *    the installed mock in-process, the seed example through the installed client, a signed callback
 *    verified with `@kling-kit/client/webhooks` on a local node:http listener. Then smoke/cli-consumer.mjs
 *    runs the installed `kling` binary (generate with --mock and against the installed mock, a batch
 *    run twice, credits), and a project that installs the CLI with --omit=optional gets the one-line
 *    message of `--mock` without the mock.
 * 5. In a fresh CommonJS project (no "type": "module"): `npm install` of the three packages (plus zod,
 *    typescript and @types/node at the workspace's versions); smoke/commonjs-consumer.cjs `require()`s
 *    and `import()`s every published entry point on Node 20 (this one), 22 and 24 (npm `node`, as
 *    `pnpm test:runtimes` installs them) and must print no warning; `tsc` type-checks
 *    smoke/commonjs-types.cts with `module`/`moduleResolution: node16` and `skipLibCheck: false`.
 * Everything is removed afterwards; the run is bounded (TIME_LIMIT_MS).
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import {
  ensureRuntime,
  here,
  kB,
  PUBLIC_PACKAGES,
  RUNTIMES,
  readJson,
  repoRoot,
  run,
  tempDir,
  withTimeout,
} from './lib.mjs';

const TIME_LIMIT_MS = 6 * 60_000;
const require = createRequire(import.meta.url);
const SKIP = new Set(['node_modules', '.git', '.turbo', '.runtimes', 'dist', 'coverage', 'test-artifacts']);

function check(condition, message) {
  if (!condition) {
    throw new Error(`release flow: ${message}`);
  }
}

const step = (text) => console.info(`• ${text}`);

/** Verdaccio in this process: random loopback port, temporary storage, anonymous publish, no uplinks. */
async function startRegistry(dir) {
  const { runServer } = require('verdaccio');
  const config = {
    self_path: dir,
    storage: join(dir, 'storage'),
    plugins: join(dir, 'plugins'),
    web: { enable: false },
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: -1 } },
    uplinks: {},
    packages: { '**': { access: '$all', publish: '$anonymous $authenticated', unpublish: '$all' } },
    server: { keepAliveTimeout: 5 },
    max_body_size: '50mb',
    log: { type: 'stdout', format: 'pretty', level: 'error' },
  };
  const server = await runServer(config);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

/** The npmrc lines that point at the registry (host-scoped fake token: npm refuses to publish without one). */
const authLine = (url) => `${url.replace(/^http:/, '')}:_authToken=round-trip-anonymous`;

async function releaseFlow(cleanups, nodes) {
  const work = tempDir('release');
  cleanups.push(work.remove);
  const copy = join(work.dir, 'repo');
  const registryDir = join(work.dir, 'registry');
  const consumer = join(work.dir, 'consumer');
  const marker = `Round-trip release ${Date.now().toString(36)}`;

  step(`copy the repository to ${copy}`);
  cpSync(repoRoot, copy, {
    recursive: true,
    filter: (source) =>
      !relative(repoRoot, source)
        .split(sep)
        .some((part) => SKIP.has(part)),
  });
  const before = Object.fromEntries(
    PUBLIC_PACKAGES.map((pkg) => [pkg.name, readJson(join(copy, pkg.dir, 'package.json')).version]),
  );

  step('write a changeset, install, changeset version (in the copy)');
  writeFileSync(
    join(copy, '.changeset', 'release-round-trip.md'),
    `---\n${PUBLIC_PACKAGES.map((pkg) => `"${pkg.name}": patch`).join('\n')}\n---\n\n${marker}.\n`,
  );
  await run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], { cwd: copy, timeoutMs: 180_000 });
  await run('pnpm', ['exec', 'changeset', 'version'], { cwd: copy });
  const versions = {};
  for (const pkg of PUBLIC_PACKAGES) {
    const manifest = readJson(join(copy, pkg.dir, 'package.json'));
    versions[pkg.name] = manifest.version;
    check(manifest.version !== before[pkg.name], `${pkg.name} was not bumped (${manifest.version})`);
    const changelog = readFileSync(join(copy, pkg.dir, 'CHANGELOG.md'), 'utf8');
    check(changelog.includes(marker), `${pkg.name}'s CHANGELOG.md lacks the new changeset`);
  }
  check(
    !existsSync(join(copy, '.changeset', 'release-round-trip.md')),
    'changeset version kept the changeset',
  );
  const playground = join(copy, 'apps', 'playground', 'package.json');
  if (existsSync(playground)) {
    check(
      !existsSync(join(copy, 'apps', 'playground', 'CHANGELOG.md')),
      'the private playground got a changelog',
    );
  }
  console.info(
    `  versions: ${PUBLIC_PACKAGES.map((pkg) => `${pkg.name} ${before[pkg.name]} → ${versions[pkg.name]}`).join(', ')}`,
  );

  step('start Verdaccio on loopback');
  const registry = await startRegistry(registryDir);
  cleanups.unshift(registry.close);
  console.info(`  registry: ${registry.url}`);

  step('pnpm release (build, then changeset publish) from the copy');
  writeFileSync(
    join(copy, '.npmrc'),
    `${readFileSync(join(copy, '.npmrc'), 'utf8')}\nregistry=${registry.url}\n${authLine(registry.url)}\n`,
  );
  const published = await run('pnpm', ['release', '--no-git-tag'], {
    cwd: copy,
    env: { npm_config_registry: registry.url, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    timeoutMs: 240_000,
  });
  for (const pkg of PUBLIC_PACKAGES) {
    const view = JSON.parse(
      await run('npm', ['view', `${pkg.name}@${versions[pkg.name]}`, '--json', '--registry', registry.url], {
        cwd: work.dir,
        stdoutOnly: true,
      }),
    );
    check(view.version === versions[pkg.name], `${pkg.name}@${versions[pkg.name]} is not on the registry`);
    const tarball = await fetch(view.dist.tarball);
    check(tarball.ok, `the ${pkg.name} tarball answers ${tarball.status}`);
    console.info(
      `  published ${pkg.name}@${view.version}: tarball ${kB((await tarball.arrayBuffer()).byteLength)}`,
    );
  }
  check(/published/i.test(published), 'changeset publish did not report publishing');

  step(
    'npm install @kling-kit/client @kling-kit/mock-server @kling-kit/cli @kling-kit/redis in a fresh project',
  );
  cpSync(join(here, 'smoke'), consumer, {
    recursive: true,
    filter: (source) => !source.endsWith('.html') && !source.endsWith('server-runtime.mjs'),
  });
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'kling-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  writeFileSync(join(consumer, '.npmrc'), `@kling-kit:registry=${registry.url}\n${authLine(registry.url)}\n`);
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '@kling-kit/client',
      '@kling-kit/mock-server',
      '@kling-kit/cli',
      '@kling-kit/redis',
    ],
    { cwd: consumer, timeoutMs: 180_000, env: { npm_config_workspaces: 'false' } },
  );
  for (const pkg of PUBLIC_PACKAGES) {
    const dir = join(consumer, 'node_modules', ...pkg.name.split('/'));
    check(
      lstatSync(dir).isDirectory() && !lstatSync(dir).isSymbolicLink(),
      `${pkg.name} is a link, not an install`,
    );
    const manifest = readJson(join(dir, 'package.json'));
    check(manifest.version === versions[pkg.name], `installed ${pkg.name}@${manifest.version}`);
    check(
      !JSON.stringify(manifest).includes('workspace:'),
      `${pkg.name} was published with workspace: ranges`,
    );
    check(
      readFileSync(join(dir, 'CHANGELOG.md'), 'utf8').includes(marker),
      `${pkg.name} shipped without its changelog`,
    );
  }
  const client = readJson(join(consumer, 'node_modules', '@kling-kit', 'client', 'package.json'));
  check(
    client.dependencies['@kling-kit/contract'] === `^${versions['@kling-kit/contract']}`,
    `the client depends on @kling-kit/contract ${client.dependencies['@kling-kit/contract']}`,
  );

  step('npx kling-mock --help / --version');
  const help = await run('npx', ['--no-install', 'kling-mock', '--help'], { cwd: consumer });
  check(help.includes('Usage: kling-mock'), `kling-mock --help printed:\n${help}`);
  const version = (
    await run('npx', ['--no-install', 'kling-mock', '--version'], { cwd: consumer, stdoutOnly: true })
  ).trim();
  check(version === versions['@kling-kit/mock-server'], `kling-mock --version printed ${version}`);

  step('consumer script: installed mock + installed client, seed example, signed callback');
  const output = await run('node', ['consumer.mjs'], { cwd: consumer, timeoutMs: 60_000, stdoutOnly: true });
  const result = JSON.parse(
    output
      .trim()
      .split('\n')
      .findLast((line) => line.startsWith('{')),
  );
  check(result.ok && result.mockServer === versions['@kling-kit/mock-server'], `consumer printed ${output}`);
  console.info(
    `  ok: task ${result.taskId} ${result.states.join(' → ')}, callback verified, ${result.ms} ms`,
  );

  step('redis consumer: installed @kling-kit/redis, two coordinators, a callback across them');
  const redisOutput = await run('node', ['redis-consumer.mjs'], {
    cwd: consumer,
    timeoutMs: 60_000,
    stdoutOnly: true,
  });
  const redisResult = JSON.parse(
    redisOutput
      .trim()
      .split('\n')
      .findLast((line) => line.startsWith('{')),
  );
  check(redisResult.ok && redisResult.queries === 0, `redis-consumer printed ${redisOutput}`);
  console.info(
    `  ok: ${redisResult.tasks} waits resolved by callbacks across coordinators, ${redisResult.ms} ms`,
  );

  await cliConsumer({ consumer, dir: join(work.dir, 'cli-without-mock'), registry, versions });
  await commonJsConsumer({ dir: join(work.dir, 'commonjs-consumer'), registry, versions, nodes });
}

/** The installed `kling`: smoke/cli-consumer.mjs, then `--mock` in a project without the optional mock. */
async function cliConsumer({ consumer, dir, registry, versions }) {
  step('the installed kling: generate (--mock and against the installed mock), batch twice, credits');
  const output = await run('node', ['cli-consumer.mjs'], {
    cwd: consumer,
    timeoutMs: 120_000,
    stdoutOnly: true,
  });
  const result = JSON.parse(
    output
      .trim()
      .split('\n')
      .findLast((line) => line.startsWith('{')),
  );
  check(result.ok && result.version === versions['@kling-kit/cli'], `cli-consumer printed ${output}`);
  console.info(`  ok: kling ${result.version}, ${result.ms} ms`);

  step('npm install --omit=optional @kling-kit/cli: --mock says how to add the mock, in one line');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{ "name": "kling-cli-without-mock", "private": true }\n');
  writeFileSync(join(dir, '.npmrc'), `@kling-kit:registry=${registry.url}\n${authLine(registry.url)}\n`);
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional', '@kling-kit/cli'],
    {
      cwd: dir,
      timeoutMs: 180_000,
      env: { npm_config_workspaces: 'false' },
    },
  );
  check(
    !existsSync(join(dir, 'node_modules', '@kling-kit', 'mock-server')),
    'the optional mock was installed',
  );
  // The installed bin itself: npx would add npm's own warnings to the output.
  const refused = await run(join(dir, 'node_modules', '.bin', 'kling'), ['credits', '--mock', '--quiet'], {
    cwd: dir,
  }).catch((error) => error.output);
  const lines = refused.trim().split('\n');
  check(
    lines.length === 1 &&
      lines[0].includes('--mock needs @kling-kit/mock-server') &&
      lines[0].includes('npm install @kling-kit/mock-server'),
    `kling --mock without the mock printed:\n${refused}`,
  );
  console.info('  ok: one line, with the install command');
}

/** The version of `name` that the workspace package in `from` (a folder of the repo) has installed. */
const workspaceVersion = (from, name) =>
  readJson(join(repoRoot, from, 'node_modules', ...name.split('/'), 'package.json')).version;

/** Step 5: a CommonJS project requires, imports and type-checks every entry on Node 20, 22 and 24. */
async function commonJsConsumer({ dir, registry, versions, nodes }) {
  step('CommonJS project: npm install, require() + import() of every entry on Node 20, 22, 24');
  mkdirSync(dir);
  for (const file of ['commonjs-consumer.cjs', 'commonjs-types.cts']) {
    cpSync(join(here, 'smoke', file), join(dir, file));
  }
  // No "type": a CommonJS package, as most Node projects (and Jest setups) still are.
  writeFileSync(join(dir, 'package.json'), '{ "name": "kling-commonjs-consumer", "private": true }\n');
  writeFileSync(join(dir, '.npmrc'), `@kling-kit:registry=${registry.url}\n${authLine(registry.url)}\n`);
  const tsconfig = {
    compilerOptions: {
      module: 'node16',
      moduleResolution: 'node16',
      target: 'es2022',
      lib: ['es2022'],
      types: ['node'],
      strict: true,
      // Our .d.cts files are checked too: an ESM-only import inside them would be TS1479 there.
      skipLibCheck: false,
      noEmit: true,
    },
    files: ['commonjs-types.cts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...PUBLIC_PACKAGES.map((pkg) => `${pkg.name}@${versions[pkg.name]}`),
      `zod@${workspaceVersion('packages/contract', 'zod')}`,
      `typescript@${workspaceVersion('.', 'typescript')}`,
      `@types/node@${workspaceVersion('.', '@types/node')}`,
    ],
    { cwd: dir, timeoutMs: 180_000, env: { npm_config_workspaces: 'false' } },
  );

  for (const node of nodes) {
    const output = await run(node.bin, ['commonjs-consumer.cjs'], { cwd: dir, timeoutMs: 60_000 });
    const line = output
      .trim()
      .split('\n')
      .findLast((candidate) => candidate.startsWith('{'));
    const result = line ? JSON.parse(line) : {};
    check(
      result.ok && result.node.startsWith(`v${node.major}.`) && result.requireModule,
      `${node.label}: commonjs-consumer.cjs printed ${output}`,
    );
    check(!/warning/i.test(output), `${node.label}: the CommonJS consumer printed a warning:\n${output}`);
    const entries = Object.entries(result.exportCounts).map(([entry, count]) => `${entry} (${count})`);
    console.info(
      `  ok: ${result.node}: require() = import() for ${entries.join(', ')}; task ${result.ms} ms`,
    );
  }

  step('tsc: a CommonJS TypeScript consumer (.cts, module/moduleResolution node16, skipLibCheck false)');
  const started = Date.now();
  await run(join(dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  console.info(
    `  ok: typescript ${workspaceVersion('.', 'typescript')}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

const started = Date.now();
const cleanups = [];
let failed = false;
try {
  // The Node versions of the CommonJS step; installing them (once, into .runtimes/) is not timed.
  const nodes = [
    { label: 'Node 20 (system)', bin: process.execPath, major: process.versions.node.split('.')[0] },
  ];
  for (const runtime of RUNTIMES.filter((candidate) => candidate.pkg === 'node')) {
    nodes.push({
      label: `node@${runtime.version}`,
      bin: await ensureRuntime(runtime),
      major: runtime.version.split('.')[0],
    });
  }
  await withTimeout(releaseFlow(cleanups, nodes), TIME_LIMIT_MS, 'the release flow');
} catch (error) {
  failed = true;
  console.error(error.stack ?? String(error));
} finally {
  for (const cleanup of cleanups) {
    await cleanup();
  }
}
console.info(
  `release flow: ${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
process.exit(failed ? 1 : 0);
