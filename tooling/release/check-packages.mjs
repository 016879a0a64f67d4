#!/usr/bin/env node
/**
 * `pnpm check:packages`: the published packages as npm would ship them. For each public package:
 * the manifest rules of this repo (exports with types first and ./package.json, files, sideEffects,
 * engines, license, repository.directory, publishConfig.access, README and LICENSE, internal
 * dependencies as workspace:^, every export with an `import` and a `require` branch), then
 * `pnpm pack`, publint --strict and `attw --profile node16` (node16-cjs, node16-esm and bundler
 * resolution must all be clean; node10 is ignored: engines is >= 20.19, which reads `exports`) on the
 * tarball. Last, the tarballs are installed with npm into a fresh project and `npx kling-mock --help`
 * and `npx kling --help` must run from there, and so must smoke/redis-consumer.mjs (the installed
 * `@kling-kit/redis` with the installed client and mock, against a throwaway redis-server).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { here, kB, PUBLIC_PACKAGES, packAll, readJson, repoRoot, run, tempDir } from './lib.mjs';

const bin = (name) => join(here, 'node_modules', '.bin', name);
const problems = [];
const report = (pkg, message) => problems.push(`${pkg.name}: ${message}`);

function checkManifest(pkg) {
  const dir = join(repoRoot, pkg.dir);
  const m = readJson(join(dir, 'package.json'));
  const need = (condition, message) => condition || report(pkg, message);
  need(m.private !== true, 'is private');
  need(m.type === 'module', '"type" is not "module"');
  need(m.license === 'MIT', 'no "license": "MIT"');
  need(existsSync(join(dir, 'LICENSE')), 'no LICENSE file');
  need(m.repository?.directory === pkg.dir, `repository.directory is not "${pkg.dir}"`);
  need(typeof m.engines?.node === 'string', 'no engines.node');
  need(m.publishConfig?.access === 'public', 'publishConfig.access is not "public"');
  need(typeof m.sideEffects === 'boolean' || Array.isArray(m.sideEffects), 'sideEffects is not declared');
  need(Array.isArray(m.files) && m.files.includes('dist'), '"files" does not list dist');
  need(m.exports?.['./package.json'] === './package.json', 'exports lacks "./package.json"');
  // Every entry has an ESM branch and a CommonJS branch (the .cjs door to the same ESM build, typed by
  // .d.cts), each `{ types, default }` with types first.
  const branches = { import: ['.d.ts', '.js'], require: ['.d.cts', '.cjs'] };
  for (const [subpath, target] of Object.entries(m.exports ?? {})) {
    if (subpath === './package.json') {
      continue;
    }
    for (const [condition, [typesExt, jsExt]] of Object.entries(branches)) {
      const branch = target?.[condition];
      need(
        typeof branch === 'object' &&
          Object.keys(branch).join() === 'types,default' &&
          branch.types.endsWith(typesExt) &&
          branch.default.endsWith(jsExt),
        `exports["${subpath}"].${condition} must be { "types": "…${typesExt}", "default": "…${jsExt}" }`,
      );
      for (const file of Object.values(branch ?? {})) {
        need(
          existsSync(join(dir, file)),
          `exports["${subpath}"].${condition} points at ${file}, which the build did not produce`,
        );
      }
    }
  }
  for (const field of ['main', 'types']) {
    need(existsSync(join(dir, m[field] ?? '-')), `"${field}" points at ${m[field]}, which does not exist`);
  }
  for (const [name, range] of Object.entries({ ...m.dependencies, ...m.peerDependencies })) {
    if (name.startsWith('@kling-kit/')) {
      need(range === 'workspace:^', `dependency ${name} is "${range}", not "workspace:^"`);
    }
  }
  for (const target of Object.values(m.bin ?? {})) {
    need(
      readFileSync(join(dir, target), 'utf8').startsWith('#!/usr/bin/env node'),
      `bin ${target} has no shebang`,
    );
  }
  const readme = existsSync(join(dir, 'README.md')) ? readFileSync(join(dir, 'README.md'), 'utf8') : '';
  need(
    readme.includes(`npm install ${m.name}`) || readme.includes(`npx ${Object.keys(m.bin ?? {})[0]}`),
    'README has no install line',
  );
  need(/```ts\n[\s\S]*?from '@kling-kit\//.test(readme), 'README has no TypeScript usage example');
}

async function main() {
  const started = Date.now();
  for (const pkg of PUBLIC_PACKAGES) {
    checkManifest(pkg);
  }
  const { dir, remove } = tempDir('packages');
  try {
    const packed = await packAll(dir);
    for (const pkg of packed) {
      const manifest = JSON.parse(
        await run('tar', ['-xzOf', pkg.tarball, 'package/package.json'], { cwd: dir }),
      );
      if (JSON.stringify(manifest).includes('workspace:')) {
        report(pkg, 'the packed package.json still has workspace: ranges');
      }
      const files = (await run('tar', ['-tzf', pkg.tarball], { cwd: dir })).trim().split('\n');
      pkg.files = files.length;
      for (const required of ['package/package.json', 'package/README.md', 'package/LICENSE']) {
        if (!files.includes(required)) {
          report(pkg, `the tarball lacks ${required.slice('package/'.length)}`);
        }
      }
      if (files.some((file) => /\/(src|test)\//.test(file))) {
        report(pkg, 'the tarball ships src/ or test/');
      }
      for (const [tool, args] of [
        ['publint', ['run', pkg.tarball, '--strict']],
        [
          'attw',
          [pkg.tarball, '--profile', 'node16', '--format', 'table-flipped', '--no-color', '--no-emoji'],
        ],
      ]) {
        try {
          await run(bin(tool), args, { cwd: dir });
        } catch (error) {
          report(pkg, `${tool} failed:\n${error.output}`);
        }
      }
    }

    // The bin from an installed tarball, the way a user runs it.
    const project = join(dir, 'project');
    await run('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), '{ "name": "bin-check", "private": true }\n');
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packed.map((pkg) => pkg.tarball)],
      {
        cwd: project,
        timeoutMs: 180_000,
      },
    );
    const help = await run('npx', ['--no-install', 'kling-mock', '--help'], { cwd: project }).catch(
      (error) => error.output,
    );
    if (!help.includes('Usage: kling-mock')) {
      report(PUBLIC_PACKAGES[2], `npx kling-mock --help from the installed tarball printed:\n${help}`);
    }
    const klingHelp = await run('npx', ['--no-install', 'kling', '--help'], { cwd: project }).catch(
      (error) => error.output,
    );
    if (!klingHelp.includes('Usage: kling [options] [command]')) {
      report(
        PUBLIC_PACKAGES.find((pkg) => pkg.name === '@kling-kit/cli'),
        `npx kling --help from the installed tarball printed:\n${klingHelp}`,
      );
    }

    // @kling-kit/redis from its tarball: two coordinators, the client and the mock, a real Redis.
    const redisPackage = PUBLIC_PACKAGES.find((pkg) => pkg.name === '@kling-kit/redis');
    copyFileSync(join(here, 'smoke', 'redis-consumer.mjs'), join(project, 'redis-consumer.mjs'));
    writeFileSync(
      join(project, 'package.json'),
      '{ "name": "bin-check", "private": true, "type": "module" }\n',
    );
    const redisSmoke = await run('node', ['redis-consumer.mjs'], { cwd: project, timeoutMs: 60_000 }).catch(
      (error) => error.output,
    );
    if (!/"ok":true/.test(redisSmoke)) {
      report(redisPackage, `smoke/redis-consumer.mjs from the installed tarballs printed:\n${redisSmoke}`);
    }

    console.info('package                  tarball    files');
    for (const pkg of packed) {
      console.info(`${pkg.name.padEnd(24)} ${kB(pkg.bytes).padStart(8)}   ${pkg.files}`);
    }
  } finally {
    remove();
  }
  for (const problem of problems) {
    console.error(`✗ ${problem}`);
  }
  const checks = PUBLIC_PACKAGES.length;
  const failed = new Set(problems.map((problem) => problem.split(':')[0])).size;
  console.info(
    `check:packages: ${checks - failed} passed, ${failed} failed (manifest, pack, publint, attw node16, bin, redis smoke; ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
