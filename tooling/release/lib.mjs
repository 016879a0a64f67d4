/** Helpers shared by the package checks, the registry round trip and the runtime matrix. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');

/** The packages we publish, in dependency order. */
export const PUBLIC_PACKAGES = [
  { name: '@kling-kit/contract', dir: 'packages/contract' },
  { name: '@kling-kit/client', dir: 'packages/client' },
  { name: '@kling-kit/mock-server', dir: 'apps/mock-server' },
  { name: '@kling-kit/cli', dir: 'apps/cli' },
  { name: '@kling-kit/redis', dir: 'packages/redis' },
];

export const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/**
 * Runtimes from their npm packages (nodejs.org is not reachable), installed once into the git-ignored
 * `.runtimes/<id>` with `npm i --prefix`. Pinned: the newest of each line the registry serves
 * (checked 2026-11-27).
 */
export const RUNTIMES = [
  { id: 'node22', pkg: 'node', version: '22.23.3', bin: 'node', args: [] },
  { id: 'node24', pkg: 'node', version: '24.21.0', bin: 'node', args: [] },
  { id: 'bun', pkg: 'bun', version: '1.4.5', bin: 'bun', args: [] },
  // Network and file reads only: no --allow-env, no -A.
  { id: 'deno', pkg: 'deno', version: '2.9.6', bin: 'deno', args: ['run', '--allow-net', '--allow-read'] },
];

/** The path of a runtime's binary from `RUNTIMES`, installed first if it is missing or another version. */
export async function ensureRuntime(runtime) {
  const prefix = join(repoRoot, '.runtimes', runtime.id);
  const manifest = join(prefix, 'node_modules', runtime.pkg, 'package.json');
  const bin = join(prefix, 'node_modules', '.bin', runtime.bin);
  if (!existsSync(manifest) || readJson(manifest).version !== runtime.version || !existsSync(bin)) {
    console.info(`installing ${runtime.pkg}@${runtime.version} into .runtimes/${runtime.id} …`);
    await run(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        `${runtime.pkg}@${runtime.version}`,
      ],
      { timeoutMs: 300_000 },
    );
  }
  return bin;
}

/** A temporary folder, removed by the returned `remove()` (also on exit). */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `kling-${prefix}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  return { dir, remove };
}

/**
 * Runs a command to completion with a time limit; resolves with its output, rejects with the output
 * on a non-zero exit or a timeout (the whole process group is killed). `stdoutOnly`: resolve with
 * stdout alone (npm prints its warnings on stderr).
 */
export function run(
  command,
  args,
  { cwd = repoRoot, env = {}, timeoutMs = 120_000, quiet = true, stdoutOnly = false } = {},
) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let stdout = '';
    const collect = (chunk) => {
      output += chunk;
      if (!quiet) {
        process.stdout.write(chunk);
      }
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      collect(chunk);
    });
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(Object.assign(error, { output }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve(stdoutOnly ? stdout : output);
      } else {
        const error = new Error(
          `${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}) in ${cwd}\n${output.trim()}`,
        );
        reject(Object.assign(error, { output }));
      }
    });
  });
}

/** `pnpm pack` of every public package into `dest`; returns `[{ name, dir, tarball, bytes }]`. */
export async function packAll(dest, packages = PUBLIC_PACKAGES, root = repoRoot) {
  const packed = [];
  for (const pkg of packages) {
    const output = await run('pnpm', ['pack', '--pack-destination', dest], { cwd: join(root, pkg.dir) });
    const tarball = output
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .findLast((line) => line.endsWith('.tgz'));
    if (!tarball) {
      throw new Error(`pnpm pack printed no tarball for ${pkg.name}:\n${output}`);
    }
    const path = tarball.startsWith('/') ? tarball : join(dest, tarball);
    packed.push({ ...pkg, tarball: path, bytes: readFileSync(path).length });
  }
  return packed;
}

export const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

/** Rejects after `ms` with a clear message; the returned promise settles with the work. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]);
}
