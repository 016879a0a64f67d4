/**
 * The harness every benchmark shares: start a server process and wait until it answers (the time it
 * took is its cold start), stop it, read a process's memory from /proc, run an autocannon load, send
 * one JSON request, and the statistics (median, percentiles, interleaving order). Every process it
 * starts is killed when the bench exits, however it exits. Everything runs on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

export { sleep };

/** The median of numbers (the mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The `p`-th percentile (0–100) of numbers, by linear interpolation between the nearest ranks. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (rank - low);
}

/** The order of `names` in round `round`: rotated each round, so none always runs first (or last). */
export function interleaved(names, round) {
  const shift = round % names.length;
  return [...names.slice(shift), ...names.slice(0, shift)];
}

/** Runs that were not clean (non-2xx, errors, timeouts, wrong answers): listed in results.md. */
export const problems = [];

/** Child processes still running. */
const children = new Set();
let cleanupInstalled = false;

function installCleanup() {
  if (cleanupInstalled) {
    return;
  }
  cleanupInstalled = true;
  process.on('exit', killAll);
  process.once('SIGINT', () => {
    console.error('\n[bench] interrupted: stopping the child processes');
    killAll();
    process.exit(130);
  });
}

/** Kills every child still running (synchronous: for errors, SIGINT and exit). */
export function killAll() {
  for (const child of children) {
    child.kill('SIGKILL');
  }
}

/** Starts a process that is killed when the bench exits; its stdout is kept until read, stderr's tail for errors. */
export function spawnChild(command, args, options = {}) {
  installCleanup();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.stdoutText = '';
  child.stderrText = '';
  child.stdout.on('data', (chunk) => {
    child.stdoutText = (child.stdoutText + chunk).slice(-4000);
  });
  child.stderr.on('data', (chunk) => {
    child.stderrText = (child.stderrText + chunk).slice(-4000);
  });
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Starts a server and resolves once `readyPath` answers; `coldStartMs` is spawn to that first answer.
 * `url` is the server's base URL, or a function that finds it in the server's stdout (port 0).
 */
export async function spawnServer({
  name,
  command = process.execPath,
  args,
  env,
  url,
  readyPath,
  headers = {},
  timeoutMs = 30_000,
}) {
  const spawned = performance.now();
  const child = spawnChild(command, args, env ? { env: { ...process.env, ...env } } : {});
  for (;;) {
    const base = typeof url === 'function' ? url(child.stdoutText) : url;
    if (base) {
      try {
        const answer = await fetch(`${base}${readyPath}`, { headers });
        await answer.arrayBuffer();
        return { name, child, url: base, coldStartMs: performance.now() - spawned };
      } catch {
        // not listening yet
      }
    }
    if (child.exitCode !== null || performance.now() - spawned > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start within ${timeoutMs} ms\n${child.stderrText}`);
    }
    await sleep(5);
  }
}

/** The `listening on http://127.0.0.1:PORT` URL a server printed, if it has. */
export const listeningUrl = (stdout) => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];

/** Stops a server (or child): SIGTERM, SIGKILL after 3 s; resolves once the process is gone. */
export async function stopServer(server) {
  const child = server.child ?? server;
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** VmRSS and VmHWM (peak) of a process, in MiB, from Linux's /proc. */
export function processMemory(pid) {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
  const status = readFileSync(file, 'utf8');
  const kB = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kB('VmRSS') / 1024, hwm: kB('VmHWM') / 1024 };
}

/** Connections of every autocannon run. */
export const CONNECTIONS = 10;

/**
 * One autocannon run against `base` + `op` ({method, path, headers, body}), for `limit` seconds or
 * `{amount}` requests, 10 connections, no pipelining; a run with a non-2xx answer, an error or a
 * timeout is noted in `problems` under `label`.
 */
export async function load(label, base, op, limit) {
  const result = await autocannon({
    url: `${base}${op.path}`,
    method: op.method ?? 'GET',
    headers: op.headers,
    body: op.body,
    connections: CONNECTIONS,
    pipelining: 1,
    ...(typeof limit === 'number' ? { duration: limit } : limit),
  });
  const run = {
    rps: result.requests.average,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  if (run.non2xx !== 0 || run.errors !== 0 || run.timeouts !== 0) {
    problems.push(`${label}: non2xx ${run.non2xx}, errors ${run.errors}, timeouts ${run.timeouts}`);
  }
  return run;
}

/** A port the OS says is free on 127.0.0.1 right now (for servers that take no port 0: Prism, redis-server). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Keep-alive sockets for the bench's own requests. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** One JSON request on loopback (keep-alive); resolves with the status and the parsed answer. */
export function requestJson(method, url, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const all = { ...headers };
    if (payload !== undefined) {
      all['Content-Type'] = 'application/json';
      all['Content-Length'] = Buffer.byteLength(payload);
    }
    const req = http.request(url, { method, headers: all, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.end(payload);
  });
}

/** Closes the keep-alive sockets (at the end of a run, so the process can exit). */
export const closeAgent = () => agent.destroy();
