/** Worker processes (test/workers/worker.mjs): start them, wait for "ready", read their report. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../workers/worker.mjs', import.meta.url));

export interface WorkerReport {
  created: { taskId: string; createdAt: number; callBackUrl?: string }[];
  createdMs: number;
  waits: { taskId: string; state?: string; completeTime?: number | null; seenAt: number; error?: string }[];
  requests: { createTask: number; recordInfo: number };
  warnings: string[];
}

export interface Worker {
  /** Resolves once the worker printed "ready". */
  readonly ready: Promise<void>;
  /** Resolves with its report when it exits 0; rejects with its output otherwise. */
  readonly report: Promise<WorkerReport>;
}

export function startWorker(config: Record<string, unknown>, timeoutMs = 90_000): Worker {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) {
      onReady();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const report = new Promise<WorkerReport>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) {
        resolve(JSON.parse(line) as WorkerReport);
      } else {
        reject(new Error(`worker exited ${signal ?? code}:\n${stdout}\n${stderr}`));
      }
    });
  });
  return { ready, report };
}
