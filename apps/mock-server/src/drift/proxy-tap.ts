/**
 * What `--validate` and `--record` do with each exchange the proxy relays: redact it once (the
 * Authorization header is never copied; the caller's key and the proxy's key are replaced in
 * bodies), then check it against the spec and/or write it to the session's cassette.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Operation } from '@kling-kit/contract';
import type { ResolvedOptions } from '../options';
import { checkAnswer } from './answer-check';
import { CassetteRecorder } from './cassette-recorder';
import { type Exchange, keepBody, queryOf } from './exchange';
import { keysOf, redactValue } from './redact';
import { ViolationLog } from './violations';

/**
 * Where `--validate` receives kie.ai's real callbacks: give tasks created through the proxy a
 * `callBackUrl` of `<public URL of the mock>/__validate/callback` and each body kie.ai POSTs is
 * checked as a `CallbackPayload` (and recorded with `--record`).
 */
export const CALLBACK_CHECK_PATH = '/__validate/callback';

/** One relayed exchange as the proxy saw it, before redaction. */
export interface RawExchange {
  operation: Operation;
  /** `?taskId=…` or ''. */
  query: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: Buffer | undefined;
  status: number;
  answerContentType: string | undefined;
  /** The whole answer, or undefined when it was streamed (over 1 MB). */
  answerBody: Buffer | undefined;
}

/** The drift tools of one running proxy. */
export interface ProxyTap {
  /** Called once per relayed answer; never throws. */
  observe(raw: RawExchange): void;
  /** Called once per callback kie.ai POSTed to `/__validate/callback`; never throws. */
  observeCallback(headers: IncomingHttpHeaders, body: Buffer): void;
  /** The violations found, when `validate` is on. */
  violations: ViolationLog | undefined;
}

/** The tap for `options`, or undefined when neither `validate` nor `record` is on. */
export function createProxyTap(
  options: ResolvedOptions,
  now: () => number,
  version: string,
): ProxyTap | undefined {
  if (!options.proxy || (!options.validate && !options.record)) {
    return undefined;
  }
  const print = options.driftLog;
  const violations = options.validate ? new ViolationLog(print) : undefined;
  const recorder = options.record
    ? new CassetteRecorder(options.record, { target: options.proxy, version, startedAt: now() }, print)
    : undefined;
  const keep = (exchange: Exchange, keys: readonly string[]) => {
    violations?.add(exchange, redactValue(checkAnswer(exchange), keys));
    recorder?.add(exchange);
  };
  return {
    violations,
    observeCallback(headers, body) {
      try {
        const keys = keysOf(undefined, options.proxyApiKey);
        const contentType = headers['content-type'];
        const kept = keepBody(body, contentType, keys);
        keep(
          {
            operationId: 'receiveTaskCallback',
            method: 'POST',
            path: CALLBACK_CHECK_PATH,
            query: {},
            request: { ...(contentType ? { contentType } : {}), ...(kept ? { body: kept } : {}) },
            answer: { status: 200 },
            at: now(),
          },
          keys,
        );
      } catch (error) {
        print(
          `kling-mock: drift: could not check a callback: ${error instanceof Error ? error.message : 'error'}`,
        );
      }
    },
    observe(raw) {
      try {
        const auth = raw.requestHeaders.authorization;
        const keys = keysOf(typeof auth === 'string' ? auth : undefined, options.proxyApiKey);
        const requestType = raw.requestHeaders['content-type'];
        const requestBody = keepBody(raw.requestBody ?? Buffer.alloc(0), requestType, keys);
        const answerBody = keepBody(raw.answerBody, raw.answerContentType, keys);
        const exchange: Exchange = {
          operationId: raw.operation.operationId,
          method: raw.operation.method,
          path: raw.operation.path,
          query: redactValue(queryOf(raw.query), keys),
          request: {
            ...(requestType ? { contentType: requestType } : {}),
            ...(requestBody ? { body: requestBody } : {}),
          },
          answer: {
            status: raw.status,
            ...(raw.answerContentType ? { contentType: raw.answerContentType } : {}),
            ...(answerBody ? { body: answerBody } : {}),
          },
          at: now(),
        };
        keep(exchange, keys);
      } catch (error) {
        print(
          `kling-mock: drift: could not check an exchange: ${error instanceof Error ? error.message : 'error'}`,
        );
      }
    },
  };
}
