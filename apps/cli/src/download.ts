/**
 * Downloads a result to disk: written as it arrives (constant memory for any size) to
 * `<dest>.part`, checked against the announced length, then renamed to `dest`, so a file at `dest`
 * is always whole. Plain HTTP/1.1 on a socket (`http-get.ts`), Node's `http` client for a chunked
 * body; redirects are followed, the API key is never sent to the file host, a dropped connection or a
 * 5xx is retried, and a link that expired is replaced once with a fresh one (kie.ai's download-url)
 * before giving up.
 */
import { closeSync, openSync, renameSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DownloadError } from './errors';
import { moduleGet, type Outcome, rawGet } from './http-get';

export interface DownloadOptions {
  signal?: AbortSignal | undefined;
  /** Called as bytes arrive (`total`: the announced length, when there is one). */
  onProgress?: ((received: number, total: number | undefined) => void) | undefined;
  /** A fresh link for a URL that answered 401, 403, 404 or 410 (kie.ai's download-url). */
  refresh?: ((url: string) => Promise<string>) | undefined;
  /** Attempts after a dropped connection or a 5xx. @default 2 */
  retries?: number | undefined;
  /** Certificate authorities to trust for HTTPS instead of Node's (tests). */
  ca?: string | Buffer | undefined;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** From the first request to the rename. */
  ms: number;
}

const EXPIRED = new Set([401, 403, 404, 410]);
const MAX_REDIRECTS = 5;

/** One attempt: `url` (and its redirects) into `<dest>.part`, checked, renamed to `dest`. */
async function attempt(url: string, dest: string, options: DownloadOptions): Promise<number> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    let target: URL;
    try {
      target = new URL(current);
    } catch {
      throw new DownloadError(`not a URL: ${current}`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new DownloadError(`not an http(s) URL: ${current}`);
    }
    const partial = `${dest}.part`;
    const fd = openSync(partial, 'w');
    let outcome: Outcome;
    try {
      outcome = await rawGet(target, fd, options);
      if (outcome.kind === 'unsupported') {
        outcome = await moduleGet(target, fd, options);
      }
    } catch (error) {
      closeSync(fd);
      rmSync(partial, { force: true });
      throw error;
    }
    closeSync(fd);
    if (outcome.kind === 'body') {
      if (outcome.total !== undefined && outcome.received !== outcome.total) {
        rmSync(partial, { force: true });
        throw new DownloadError(
          `incomplete download from ${target.host}: ${outcome.received} of ${outcome.total} bytes`,
        );
      }
      renameSync(partial, dest);
      return outcome.received;
    }
    rmSync(partial, { force: true });
    if (outcome.kind === 'redirect' && redirects < MAX_REDIRECTS) {
      current = new URL(outcome.location, target).href;
      continue;
    }
    throw outcome.kind === 'status'
      ? new DownloadError(`${target.host} answered HTTP ${outcome.status}`, outcome.status)
      : new DownloadError(`more than ${MAX_REDIRECTS} redirects from ${url}`);
  }
}

/** Connection failures worth another attempt (not a refused certificate, not a full disk). */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/** Whether another attempt may pass: a dropped connection, a 5xx, a cut body. */
const transient = (error: unknown) =>
  error instanceof DownloadError
    ? (error.status !== undefined && error.status >= 500) ||
      /incomplete|mid-file|before answering|sent nothing/.test(error.message)
    : NETWORK_CODES.has((error as { code?: string }).code ?? '');

/** Downloads `url` to `dest` (its folder is created); see the module comment. */
export async function download(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const started = performance.now();
  await mkdir(dirname(dest), { recursive: true });
  let current = url;
  let refreshed = false;
  const retries = options.retries ?? 2;
  for (let failures = 0; ; ) {
    try {
      const received = await attempt(current, dest, options);
      return { path: dest, bytes: received, ms: performance.now() - started };
    } catch (error) {
      if (options.signal?.aborted) {
        throw error;
      }
      if (error instanceof DownloadError && EXPIRED.has(error.status ?? 0) && options.refresh && !refreshed) {
        refreshed = true;
        current = await options.refresh(url);
        continue;
      }
      if (!transient(error) || ++failures > retries) {
        throw error instanceof DownloadError
          ? error
          : new DownloadError(`download from ${new URL(current).host} failed: ${(error as Error).message}`);
      }
      await sleep(500 * 2 ** failures, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}
