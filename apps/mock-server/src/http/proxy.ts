/**
 * `--proxy <url>`: forwards `/proxy/api/*` to the real kie.ai server-side, so the playground (or any
 * browser page on this origin) can call the real API without CORS and without the key in page code
 * when the server holds it (`KIE_API_KEY`). Upload paths (`/api/file-*`) go to the upload server.
 * Only `/api/` paths are forwarded: this is not an open proxy.
 */
import { API_SERVER_URL, isUploadPath, UPLOAD_SERVER_URL } from '@kling-kit/contract';
import type { Express, Request, Response } from 'express';
import type { ResolvedOptions } from '../options';

/** Largest request body forwarded (kie.ai's uploads accept up to 10 MB files; base64 adds a third). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Request headers passed on; everything else (cookies, origin, hop-by-hop headers) stays here. */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'prefer'];
/** Response headers passed back. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'x-request-id'];

/**
 * The upload server for a proxy target: kie.ai's upload host when the target is kie.ai's API host;
 * a proxy to anything else sends uploads to the same URL.
 */
export function defaultProxyUploadUrl(proxy: string): string {
  return new URL(proxy).hostname === new URL(API_SERVER_URL).hostname ? UPLOAD_SERVER_URL : proxy;
}

async function readBody(req: Request): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      return 'too-large';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function fail(res: Response, status: number, msg: string): void {
  res.status(status).json({ code: status === 413 ? 422 : 500, msg, data: null });
}

/** Mounts `/proxy/api/*` when `options.proxy` is set. */
export function proxyRoutes(app: Express, options: ResolvedOptions): void {
  const target = options.proxy;
  if (!target) {
    return;
  }
  const uploadTarget = options.proxyUploadUrl ?? defaultProxyUploadUrl(target);
  app.all('/proxy/*path', async (req, res) => {
    const path = req.originalUrl.slice('/proxy'.length);
    if (!path.startsWith('/api/')) {
      res.status(404).json({ code: 404, msg: 'The proxy only forwards /api/ paths', data: null });
      return;
    }
    const base = isUploadPath(new URL(path, 'http://proxy.invalid').pathname) ? uploadTarget : target;
    const headers = new Headers();
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') {
        headers.set(name, value);
      }
    }
    if (options.proxyApiKey) {
      headers.set('authorization', `Bearer ${options.proxyApiKey}`);
    }
    let body: Buffer | undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const read = await readBody(req);
      if (read === 'too-large') {
        fail(res, 413, `The proxy forwards bodies up to ${MAX_BODY_BYTES} bytes`);
        return;
      }
      body = read;
    }
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(`${base}${path}`, {
        method: req.method,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.proxyTimeoutMs),
        ...(body && body.length > 0 ? { body: new Uint8Array(body) } : {}),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      fail(
        res,
        timedOut ? 504 : 502,
        timedOut
          ? `The proxy got no answer from ${new URL(base).host} in ${options.proxyTimeoutMs} ms`
          : `The proxy could not reach ${new URL(base).host}`,
      );
      return;
    }
    res.status(upstream.status);
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) {
        res.setHeader(name, value);
      }
    }
    res.setHeader('Cache-Control', 'no-store');
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
}
