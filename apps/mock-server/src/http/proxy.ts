/**
 * `--proxy <url>`: forwards `/proxy/api/*` to the real kie.ai server-side, so the playground served
 * by this server can call the real API without CORS and without the key in page code when the
 * server holds it (`KIE_API_KEY`). This is not an open proxy:
 * - only the playground page of this server may call it (a per-start token, see `proxy-guard.ts`);
 * - only the operations of the spec are forwarded, uploads to the upload server (`proxy-path.ts`);
 * - request bodies are capped, answers streamed and capped (`proxy-relay.ts`).
 */

import type { IncomingMessage } from 'node:http';
import { API_SERVER_URL, UPLOAD_SERVER_URL } from '@kling-kit/contract';
import type { Express, Response } from 'express';
import type { ProxyTap } from '../drift/proxy-tap';
import type { ResolvedOptions } from '../options';
import { sendEnvelope } from './envelope';
import { crossOriginProblem, PROXY_TOKEN_HEADER, proxyTokenOf, tokenMatches } from './proxy-guard';
import { proxiedCall } from './proxy-path';
import { MAX_ANSWER_BYTES, relayAnswer, sendUpstream } from './proxy-relay';
import { readBody } from './read-body';

/** Largest request body forwarded (kie.ai's uploads accept up to 10 MB files; base64 adds a third). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Request headers passed on; everything else (cookies, origin, the proxy token, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'prefer'];

/**
 * The upload server for a proxy target: kie.ai's upload host when the target is kie.ai's API host;
 * a proxy to anything else sends uploads to the same URL.
 */
export function defaultProxyUploadUrl(proxy: string): string {
  return new URL(proxy).hostname === new URL(API_SERVER_URL).hostname ? UPLOAD_SERVER_URL : proxy;
}

/** An error of the proxy itself, in the `{code, msg, data}` envelope with a real HTTP status. */
function fail(res: Response, status: number, msg: string): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  const code = status === 413 ? 422 : Math.min(status, 500);
  sendEnvelope(res, code, { msg, mirror: false, httpStatus: status });
}

/** Mounts `/proxy/*` when `options.proxy` is set; `tap` sees each relayed answer (`--validate`, `--record`). */
export function proxyRoutes(app: Express, options: ResolvedOptions, tap?: ProxyTap): void {
  const target = options.proxy;
  if (!target) {
    return;
  }
  const uploadTarget = options.proxyUploadUrl ?? defaultProxyUploadUrl(target);
  const token = proxyTokenOf(app);
  app.all('/proxy/*path', async (req, res) => {
    const refused = crossOriginProblem(req.headers, options);
    if (refused) {
      fail(res, 403, refused);
      return;
    }
    const given = req.headers[PROXY_TOKEN_HEADER.toLowerCase()];
    if (!tokenMatches(typeof given === 'string' ? given : undefined, token)) {
      fail(
        res,
        403,
        given === undefined
          ? `The proxy only answers the playground page of this server: ${PROXY_TOKEN_HEADER} is missing`
          : `Wrong ${PROXY_TOKEN_HEADER}: reload the playground page (the server may have restarted)`,
      );
      return;
    }
    const call = proxiedCall(req.method, req.originalUrl);
    if (!call) {
      fail(res, 404, 'The proxy only forwards the operations of the spec (method and path exactly)');
      return;
    }
    const base = call.operation.server === 'upload' ? uploadTarget : target;
    // The request is ours to end from here: nothing below may throw into Express's error handler,
    // whose log line would carry the error message.
    const upstreamGone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) {
        upstreamGone.abort();
      }
    });
    const timeout = AbortSignal.timeout(options.proxyTimeoutMs);
    const host = new URL(base).host;
    try {
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_REQUEST_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') {
          headers[name] = value;
        }
      }
      if (options.proxyApiKey) {
        headers.authorization = `Bearer ${options.proxyApiKey}`;
      }
      let body: Buffer | undefined;
      if (call.operation.method !== 'GET') {
        const read = await readBody(req, MAX_BODY_BYTES);
        if (read === 'too-large') {
          // Close the connection rather than reading the rest of an oversized body.
          res.setHeader('Connection', 'close');
          fail(res, 413, `The proxy forwards bodies up to ${MAX_BODY_BYTES} bytes`);
          return;
        }
        body = read;
      }
      let upstream: IncomingMessage;
      try {
        upstream = await sendUpstream(new URL(`${base}${call.operation.path}${call.query}`), {
          method: call.operation.method,
          headers,
          ...(body ? { body } : {}),
          signal: AbortSignal.any([timeout, upstreamGone.signal]),
        });
      } catch {
        fail(
          res,
          timeout.aborted ? 504 : 502,
          timeout.aborted
            ? `The proxy got no answer from ${host} in ${options.proxyTimeoutMs} ms`
            : `The proxy could not reach ${host}`,
        );
        return;
      }
      const failure = await relayAnswer(upstream, res, (answerBody) =>
        tap?.observe({
          operation: call.operation,
          query: call.query,
          requestHeaders: req.headers,
          requestBody: body,
          status: upstream.statusCode ?? 502,
          answerContentType: upstream.headers['content-type'],
          answerBody,
        }),
      );
      if (failure === 'too-large') {
        fail(res, 502, `The answer of ${host} is larger than ${MAX_ANSWER_BYTES} bytes`);
      } else if (failure === 'dropped') {
        fail(
          res,
          timeout.aborted ? 504 : 502,
          timeout.aborted
            ? `The answer of ${host} did not finish in ${options.proxyTimeoutMs} ms`
            : `${host} closed the connection before its answer was complete`,
        );
      }
    } catch {
      // A reset request stream or a header value Node refuses: nothing of the error goes out.
      fail(res, 502, 'The proxy could not forward this request');
    }
  });
}
