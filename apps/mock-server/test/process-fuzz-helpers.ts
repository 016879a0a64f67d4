/**
 * Plumbing of `process-fuzz.test.ts`: the built CLI as a child process, a fake upstream for its
 * proxy, raw HTTP/1.1 over `node:net` (so requests can be cut short, lie about their length or be
 * malformed), a small parser for the answers, and a bounded-concurrency pool. Loopback only.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { fileURLToPath } from 'node:url';

export const LOOPBACK = '127.0.0.1';
/** The built CLI, next to this test whatever the working directory. */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The `kling-mock` child process and what it printed. */
export interface MockProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  readonly port: number;
  readonly startedAt: number;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
  stop(graceMs?: number): Promise<string>;
}

/** Spawns `node dist/cli.js …args` and waits for its "listening on http://127.0.0.1:PORT" banner. */
export async function spawnMock(args: readonly string[], timeoutMs = 10_000): Promise<MockProcess> {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run pnpm --filter @kling-kit/mock-server build first`);
  }
  const startedAt = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (match) {
        clearInterval(poll);
        resolve(Number(match[1]));
      } else if (child.exitCode !== null || Date.now() - startedAt > timeoutMs) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`kling-mock did not start:\n${stdout}\n${stderr}`));
      }
    }, 20);
  });
  return {
    child,
    pid: child.pid as number,
    port,
    startedAt,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) {
        return exited;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}

/** The fake kie.ai behind `--proxy`: any request gets a small JSON envelope. */
export interface FakeUpstream {
  readonly port: number;
  readonly url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<FakeUpstream> {
  const upstream = { requests: 0 } as FakeUpstream & { requests: number };
  const server: Server = createServer((req, res) => {
    upstream.requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"code":200,"msg":"success","data":null}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(upstream, {
    port,
    url: `http://${LOOPBACK}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** How a request's body is framed on the wire. */
export type Framing =
  | 'length' // exact Content-Length
  | 'chunked' // proper chunked encoding
  | 'lying-length' // Content-Length 1 MB above what is sent
  | 'huge-length' // Content-Length 2^53 + 1 with a short body
  | 'chunked-cut' // chunked, cut inside a chunk, no terminating chunk
  | 'none'; // no length at all: the body bytes follow as garbage

/** Whether the server has, with this framing, a whole request to answer (`none`: an empty body). */
export const isComplete = (framing: Framing): boolean =>
  framing !== 'lying-length' && framing !== 'huge-length' && framing !== 'chunked-cut';

/** One HTTP/1.1 request to write as is. */
export interface WireRequest {
  method: string;
  /** The request target, written raw (nothing is encoded). */
  target: string;
  /** In order, duplicates allowed; `Host` is added first unless given. */
  headers: readonly (readonly [string, string])[];
  body?: Buffer;
  framing?: Framing;
}

/** The bytes of a request; the Content-Length or chunks follow `framing`. */
export function encodeRequest(request: WireRequest, defaultHost: string): Buffer {
  const body = request.body ?? Buffer.alloc(0);
  const framing = request.framing ?? 'length';
  const headers = [...request.headers];
  if (!headers.some(([name]) => name.toLowerCase() === 'host')) {
    headers.unshift(['Host', defaultHost]);
  }
  const hasBody = body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method);
  let payload = body;
  if (hasBody && framing === 'length') {
    headers.push(['Content-Length', String(body.length)]);
  } else if (hasBody && framing === 'lying-length') {
    headers.push(['Content-Length', String(body.length + 1_000_000)]);
  } else if (hasBody && framing === 'huge-length') {
    headers.push(['Content-Length', '9007199254740993']);
  } else if (hasBody && (framing === 'chunked' || framing === 'chunked-cut')) {
    headers.push(['Transfer-Encoding', 'chunked']);
    const half = Math.ceil(body.length / 2);
    const chunk = (bytes: Buffer) => Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes]);
    payload =
      framing === 'chunked'
        ? Buffer.concat([
            chunk(body.subarray(0, half)),
            Buffer.from('\r\n'),
            ...(half < body.length ? [chunk(body.subarray(half)), Buffer.from('\r\n')] : []),
            Buffer.from('0\r\n\r\n'),
          ])
        : // The chunk announces more than is sent.
          Buffer.concat([Buffer.from(`${(body.length + 4096).toString(16)}\r\n`), body]);
  }
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/** What came back on a raw connection. */
export interface WireAnswer {
  /** The final status, if a whole status line and header block arrived. */
  status?: number;
  /** 1xx statuses seen before it. */
  interim: number[];
  /** Header names lower-cased; repeated ones joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** `answered`: a whole answer; else how the wait ended. */
  outcome: 'answered' | 'closed' | 'timeout' | 'error';
  /** The whole head block as received, for the report. */
  head: string;
}

/** Parses the first final answer in `data`; `ended` when the connection has closed. */
export function parseAnswer(data: Buffer, method: string, ended: boolean): WireAnswer | undefined {
  let offset = 0;
  const interim: number[] = [];
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', offset);
    if (headEnd < 0) {
      return undefined;
    }
    const head = data.subarray(offset, headEnd).toString('latin1');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const bodyStart = headEnd + 4;
    if (status >= 100 && status < 200 && status !== 101) {
      interim.push(status);
      offset = bodyStart;
      continue;
    }
    const answer = (body: Buffer): WireAnswer => ({
      status: Number.isNaN(status) ? undefined : status,
      interim,
      headers,
      body,
      outcome: 'answered',
      head,
    });
    if (method === 'HEAD' || status === 204 || status === 304 || status === 101) {
      return answer(Buffer.alloc(0));
    }
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const body = dechunk(data.subarray(bodyStart));
      return body ? answer(body) : undefined;
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      const size = Number(length);
      return data.length - bodyStart >= size ? answer(data.subarray(bodyStart, bodyStart + size)) : undefined;
    }
    return ended ? answer(data.subarray(bodyStart)) : undefined;
  }
}

/** A whole chunked body decoded, or undefined while the terminating chunk is missing. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) {
      return undefined;
    }
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) {
      return undefined;
    }
    if (size === 0) {
      return Buffer.concat(parts);
    }
    if (data.length < lineEnd + 2 + size + 2) {
      return undefined;
    }
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/**
 * Writes `bytes` on a new connection to the port and reads the first answer. `halfClose` ends the
 * writing side right after (the server sees the request end there); the wait ends at `timeoutMs`.
 */
export function sendRaw(
  port: number,
  bytes: Buffer,
  options: { method: string; halfClose: boolean; timeoutMs: number },
): Promise<WireAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const socket = connect({ host: LOOPBACK, port });
    const finish = (outcome: WireAnswer['outcome']) => {
      if (done) {
        return;
      }
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const data = Buffer.concat(chunks);
      const parsed = parseAnswer(data, options.method, outcome === 'closed');
      // Not a whole answer: keep what came, with the statuses of a partial one for the report.
      const statuses = [...data.toString('latin1').matchAll(/(?:^|\r\n\r\n)HTTP\/1\.[01] (\d{3})/g)].map(
        (match) => Number(match[1]),
      );
      const status = statuses.find((code) => code >= 200 || code === 101);
      resolve(
        parsed ?? {
          ...(status === undefined ? {} : { status }),
          interim: statuses.filter((code) => code < 200 && code !== 101),
          headers: {},
          body: data,
          head: '',
          outcome,
        },
      );
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs);
    socket.on('connect', () => {
      socket.write(bytes);
      if (options.halfClose) {
        socket.end();
      }
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const parsed = parseAnswer(Buffer.concat(chunks), options.method, false);
      if (parsed) {
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(parsed);
      }
    });
    socket.on('error', () => finish('error'));
    socket.on('close', () => finish('closed'));
  });
}

/** Runs `work` on every item, at most `concurrency` at a time. */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
