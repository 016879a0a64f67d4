/**
 * The end-to-end harness: a real kling-mock on a random loopback port (its request log kept), and
 * the built `kling` binary spawned as a user runs it, with its NDJSON events parsed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MockServerOptions, type RunningMockServer, startMockServer } from '@kling-kit/mock-server';

export const BIN = fileURLToPath(new URL('../../bin/kling.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../../dist/cli.js', import.meta.url)))) {
  throw new Error('Build the CLI first: pnpm --filter @kling-kit/cli build');
}

/** The key every test uses: long and distinctive, so a leak is found by a plain search. */
export const KEY = 'kie-e2e-SECRET-key-7f3a9c2e5b';

/** A 1×1 PNG: the mock's upload checks the signature. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A line of the mock's request log. */
export interface LogLine {
  method: string;
  path: string;
  status: number | null;
  code?: number;
  operation?: string;
}

export interface Mock {
  server: RunningMockServer;
  url: string;
  log: LogLine[];
  /** Requests of one operation (createTask, uploadFileStream, …). */
  calls(operation: string): LogLine[];
  close(): Promise<void>;
}

export async function startMock(options: MockServerOptions = {}): Promise<Mock> {
  const log: LogLine[] = [];
  const server = await startMockServer({
    port: 0,
    timing: 'fast',
    loopbackOnly: true,
    log: (line) => log.push(JSON.parse(line) as LogLine),
    ...options,
  });
  return {
    server,
    url: server.url,
    log,
    calls: (operation) => log.filter((line) => line.operation === operation),
    close: () => server.close(),
  };
}

/** A temporary folder with a photo in it, removed with `remove()`. */
export function workspace(): {
  dir: string;
  remove(): void;
  write(name: string, content: string | Buffer): string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'kling-cli-e2e-'));
  writeFileSync(join(dir, 'photo.png'), PNG);
  return {
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
    write: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout's NDJSON events. */
  events: Record<string, unknown>[];
}

const parseEvents = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** A running `kling`, with its output so far and a way to wait for an event. */
export interface Running {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  /** Resolves with the first event that matches. */
  event(
    match: (event: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  done: Promise<Run>;
}

export function start(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, KIE_API_KEY: KEY, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk;
    for (const listener of listeners) {
      listener();
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk;
  });
  const done = new Promise<Run>((resolve) => {
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: output.stdout,
        stderr: output.stderr,
        events: parseEvents(output.stdout),
      }),
    );
  });
  return {
    child,
    output,
    done,
    event(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = parseEvents(output.stdout).find(match);
          if (found) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no matching event in ${timeoutMs} ms; stdout:\n${output.stdout}\nstderr:\n${output.stderr}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
        void done.then(() => {
          if (listeners.has(check)) {
            check();
            if (listeners.has(check)) {
              clearTimeout(timer);
              listeners.delete(check);
              reject(
                new Error(
                  `kling exited without the event; stdout:\n${output.stdout}\nstderr:\n${output.stderr}`,
                ),
              );
            }
          }
        });
      });
    },
  };
}

/** Runs `kling` to the end. */
export function kling(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<Run> {
  return start(args, options).done;
}
