/**
 * Two ways to GET a file's body into an open file descriptor, for `download.ts`. `rawGet` speaks
 * HTTP/1.1 on a socket whose reads land in one reused buffer (`onread`), parses the status line and
 * headers itself, and writes the body with `writeSync` as it arrives: no HTTP parser, stream or
 * allocation per chunk between the socket and the file, which is what keeps pace with curl. It
 * handles what result links are (a `Content-Length` body, or one read to the end); a chunked or
 * compressed answer is left to `moduleGet`, Node's own `http` client, which writes the same way.
 */
import { writeSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { DownloadError } from './errors';

/** What a GET came to. */
export type Outcome =
  | { kind: 'body'; received: number; total: number | undefined }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'status'; status: number }
  /** The body is chunked or compressed: `rawGet` leaves it to `moduleGet`. */
  | { kind: 'unsupported' };

export interface GetOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((received: number, total: number | undefined) => void) | undefined;
  /** No byte for this long ends the GET. @default 60000 */
  idleTimeoutMs?: number | undefined;
  /** Certificate authorities to trust for HTTPS instead of Node's (tests with a self-signed server). */
  ca?: string | Buffer | undefined;
}

const READ_BUFFER_BYTES = 1024 * 1024;
const HEADER_LIMIT_BYTES = 64 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Writes all of `bytes` to `fd`. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; ) {
    offset += writeSync(fd, bytes, offset);
  }
}

/** The outcome of a status and headers, or undefined when the body follows. */
function judge(status: number, header: (name: string) => string | undefined): Outcome | undefined {
  const location = header('location');
  if (REDIRECTS.has(status) && location) {
    return { kind: 'redirect', status, location };
  }
  if (status < 200 || status >= 300) {
    return { kind: 'status', status };
  }
  const encoded = (name: string) => (header(name) ?? 'identity').toLowerCase() !== 'identity';
  return encoded('transfer-encoding') || encoded('content-encoding') ? { kind: 'unsupported' } : undefined;
}

const lengthOf = (value: string | undefined) =>
  value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : undefined;

/** A GET on a plain HTTP/1.1 connection, the body written to `fd` (see the module comment). */
export function rawGet(url: URL, fd: number, options: GetOptions = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    let head: Buffer | undefined = Buffer.alloc(0);
    let total: number | undefined;
    let received = 0;
    let settled = false;
    const finish = (outcome: Outcome | Error) => {
      if (settled) {
        return;
      }
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (outcome instanceof Error) {
        reject(outcome);
      } else {
        resolve(outcome);
      }
    };
    const body = (bytes: Buffer) => {
      writeAll(fd, bytes);
      received += bytes.length;
      options.onProgress?.(received, total);
      if (total !== undefined && received >= total) {
        finish({ kind: 'body', received, total });
      }
    };
    const onRead = (size: number, bytes: Buffer) => {
      try {
        if (!head) {
          body(bytes.subarray(0, size));
          return;
        }
        head = Buffer.concat([head, bytes.subarray(0, size)]);
        for (;;) {
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) {
            if (head.length > HEADER_LIMIT_BYTES) {
              finish(new DownloadError(`${url.host} sent headers over ${HEADER_LIMIT_BYTES} bytes`));
            }
            return;
          }
          const [statusLine = '', ...lines] = head.subarray(0, end).toString('latin1').split('\r\n');
          const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
          if (!status) {
            finish(new DownloadError(`${url.host} did not answer in HTTP/1.1`));
            return;
          }
          const rest = head.subarray(end + 4);
          if (status >= 100 && status < 200) {
            head = rest; // an interim answer (100 Continue): the real one follows
            continue;
          }
          const headers = new Map<string, string>();
          for (const line of lines) {
            const colon = line.indexOf(':');
            if (colon > 0) {
              headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
            }
          }
          const verdict = judge(status, (name) => headers.get(name));
          if (verdict) {
            finish(verdict);
            return;
          }
          total = lengthOf(headers.get('content-length'));
          head = undefined;
          if (rest.length > 0 || total === 0) {
            body(rest);
          }
          return;
        }
      } catch (error) {
        finish(error as Error);
      }
    };
    const connection = {
      host,
      port: Number(url.port) || (secure ? 443 : 80),
      onread: {
        buffer,
        // Returns true: false would pause the socket.
        callback: (size: number, bytes: Buffer) => {
          onRead(size, bytes);
          return true;
        },
      },
    };
    const socket = secure
      ? tls.connect({
          ...connection,
          ALPNProtocols: ['http/1.1'],
          ...(net.isIP(host) ? {} : { servername: host }),
          ...(options.ca ? { ca: options.ca } : {}),
        })
      : net.connect(connection);
    const onAbort = () => finish(options.signal?.reason ?? new Error('aborted'));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.setTimeout(options.idleTimeoutMs ?? 60_000, () =>
      finish(
        new DownloadError(
          `${url.host} sent nothing for ${Math.round((options.idleTimeoutMs ?? 60_000) / 1000)} s`,
        ),
      ),
    );
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: kling-cli\r\n` +
          'Accept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n',
      );
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => {
      if (head) {
        finish(new DownloadError(`${url.host} closed the connection before answering`));
      } else if (total === undefined) {
        finish({ kind: 'body', received, total }); // no length announced: the body ends with the connection
      } else {
        finish(
          new DownloadError(`${url.host} closed the connection mid-file (${received} of ${total} bytes)`),
        );
      }
    });
  });
}

/** The same GET through Node's `http` client (chunked and compressed bodies are decoded by it). */
export function moduleGet(url: URL, fd: number, options: GetOptions = {}): Promise<Outcome> {
  const get = url.protocol === 'https:' ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      {
        headers: { 'user-agent': 'kling-cli', accept: '*/*' },
        signal: options.signal,
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (answer: IncomingMessage) => {
        const status = answer.statusCode ?? 0;
        const verdict = judge(status, (name) => {
          const value = answer.headers[name];
          return Array.isArray(value) ? value[0] : value;
        });
        if (verdict && verdict.kind !== 'unsupported') {
          answer.resume();
          resolve(verdict);
          return;
        }
        // Node decodes chunked bodies; a compressed one is written as it came (no Accept-Encoding was sent).
        const total = verdict ? undefined : lengthOf(answer.headers['content-length']);
        let received = 0;
        answer.on('data', (chunk: Buffer) => {
          try {
            writeAll(fd, chunk);
          } catch (error) {
            answer.destroy(error as Error);
            return;
          }
          received += chunk.length;
          options.onProgress?.(received, total);
        });
        answer.on('error', reject);
        answer.on('aborted', () =>
          reject(new DownloadError(`${url.host} closed the connection mid-file (${received} bytes)`)),
        );
        answer.on('end', () => resolve({ kind: 'body', received, total }));
      },
    );
    request.setTimeout(options.idleTimeoutMs ?? 60_000, () =>
      request.destroy(new DownloadError(`${url.host} sent nothing for a while`)),
    );
    request.on('error', reject);
  });
}
