/** Helpers shared by the package checks, the registry round trip and the runtime matrix. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
];

export const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

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
