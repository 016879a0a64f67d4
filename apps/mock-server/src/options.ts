/** Options of the mock server, shared by the CLI and `startMockServer()`. */
import { randomBytes } from 'node:crypto';
import { CALLBACK_DELIVERY } from '@kling-kit/contract';
import { isLoopbackHost } from './http/admin-guard';
import type { AddressRule } from './state/outbound';
import type { Timing } from './state/timing';

/** Everything that configures a mock server. Each option has a CLI flag and an env var (see the README). */
export interface MockServerOptions {
  /** Port to listen on; 0 picks a free one. @default 4010 (CLI), 0 (in-process) */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Accepted API keys. Empty: any non-empty bearer token is accepted and is its own account. */
  apiKeys?: readonly string[];
  /** Signs callbacks with kie.ai's scheme (`X-Webhook-Timestamp`, `X-Webhook-Signature`) when set. */
  hmacKey?: string;
  /** Starting balance of every account, in credits. @default 100000 */
  credits?: number;
  /** State durations: `fast` (≤ 3 s, for tests), `realistic`, or explicit. @default 'realistic' (CLI), 'fast' (in-process) */
  timing?: Timing;
  /** Probability in [0, 1] that a task fails (with a realistic failCode/failMsg). @default 0 */
  failRate?: number;
  /** Makes ids, timings, failures and result URLs reproducible. @default a random seed */
  seed?: string;
  /** Enforces kie.ai's limits (20 new tasks per 10 s per account, 10 recordInfo per second per key). @default true */
  rateLimit?: boolean;
  /** Answers business errors with HTTP status = body code instead of kie.ai's HTTP 200. @default false */
  httpStatusMirror?: boolean;
  /** How long a task (and its result file) is kept, in mock-clock milliseconds. @default 86_400_000 (24 h) */
  taskTtlMs?: number;
  /** How long an uploaded file is kept, in mock-clock milliseconds. @default 259_200_000 (3 days) */
  uploadTtlMs?: number;
  /** Callback delivery timeout (wall clock). @default 15000 */
  callbackTimeoutMs?: number;
  /** Base URL written into result, upload and download links. @default the listening URL */
  publicUrl?: string;
  /** Lets `/api/file-url-upload` fetch non-loopback URLs (off: the mock stays offline). @default false */
  allowExternalFetch?: boolean;
  /** Confines every connection the mock opens (callbacks, URL uploads) to 127.0.0.0/8 and ::1. @default false */
  loopbackOnly?: boolean;
  /**
   * Decides which IP addresses callbacks and URL uploads may connect to, checked on every hop at
   * connect time; replaces the rules of `allowExternalFetch` and `loopbackOnly` (in-process only).
   */
  addressRule?: AddressRule;
  /** Accounts kept at most; past it the least recently used idle account is forgotten. @default 10000 */
  maxAccounts?: number;
  /** Bytes all live uploads may hold together; an upload past it answers 413. @default 268435456 (256 MB) */
  uploadStoreBytes?: number;
  /** Deliveries (first tries, retries and redeliveries) one task's callback may get. @default 50 */
  maxDeliveriesPerTask?: number;
  /** Serve the admin API (`/__admin`). @default true */
  admin?: boolean;
  /** Require `Authorization: Bearer <token>` on `/__admin`; needed with a non-loopback `host`. @default none */
  adminToken?: string;
  /** Receives one JSON line per request; `false` turns the log off. @default false (in-process), stdout (CLI) */
  log?: ((line: string) => void) | false;
  /** A playground build (folder with index.html) to serve at `/`. @default none (in-process), the monorepo's (CLI) */
  playgroundDir?: string;
  /** Forwards `/proxy/api/*` to this kie.ai API base URL server-side (e.g. `https://api.kie.ai`). @default off */
  proxy?: string;
  /** Where the proxy sends upload calls (`/api/file-*`). @default kie.ai's upload server for api.kie.ai, else `proxy` */
  proxyUploadUrl?: string;
  /** A key the proxy sends instead of the caller's, so no page needs the real one. @default the caller's key */
  proxyApiKey?: string;
  /** How long the proxy waits for kie.ai, in ms. @default 120000 */
  proxyTimeoutMs?: number;
  /** Checks every answer the proxy relays against the spec (`GET /__admin/violations`); needs `proxy`. @default false */
  validate?: boolean;
  /** Writes every proxied exchange to a cassette in this folder (key redacted); needs `proxy`. @default off */
  record?: string;
  /** Answers the API's operations from the cassettes in this folder, offline. @default off */
  replay?: string;
  /** Receives the drift tools' lines (violations, skipped cassettes). @default stderr */
  driftLog?: (line: string) => void;
}

type OptionalSettings =
  | 'hmacKey'
  | 'publicUrl'
  | 'playgroundDir'
  | 'proxy'
  | 'proxyUploadUrl'
  | 'proxyApiKey'
  | 'addressRule'
  | 'adminToken'
  | 'record'
  | 'replay';

/** Options with every default applied. */
export type ResolvedOptions = Required<Omit<MockServerOptions, OptionalSettings | 'log'>> &
  Pick<MockServerOptions, OptionalSettings> & { log: ((line: string) => void) | false };

function baseUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`${name} must be an http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`${name} must be an http(s) URL (got "${value}")`);
  }
  return value.replace(/\/+$/, '');
}

/** Applies the in-process defaults. */
export function resolveOptions(options: MockServerOptions = {}): ResolvedOptions {
  const failRate = options.failRate ?? 0;
  if (!(failRate >= 0 && failRate <= 1)) {
    throw new RangeError(`failRate must be between 0 and 1 (got ${failRate})`);
  }
  const credits = options.credits ?? 100_000;
  if (!(Number.isFinite(credits) && credits >= 0)) {
    throw new RangeError(`credits must be a non-negative number (got ${credits})`);
  }
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const resolved = value ?? fallback;
    if (!(Number.isSafeInteger(resolved) && resolved > 0)) {
      throw new RangeError(`${name} must be a positive integer (got ${resolved})`);
    }
    return resolved;
  };
  const host = options.host ?? '127.0.0.1';
  const admin = options.admin ?? true;
  if (admin && !options.adminToken && !isLoopbackHost(host)) {
    throw new RangeError(
      `host ${host} is reachable from the network, and so would be the admin API: set adminToken (--admin-token) or turn the admin API off (--no-admin)`,
    );
  }
  if ((options.validate || options.record) && !options.proxy) {
    throw new RangeError(
      'validate and record check and record what the proxy relays: set proxy too (--proxy URL)',
    );
  }
  return {
    port: options.port ?? 0,
    host,
    apiKeys: [...(options.apiKeys ?? [])],
    hmacKey: options.hmacKey,
    credits,
    timing: options.timing ?? 'fast',
    failRate,
    seed: options.seed ?? randomBytes(8).toString('hex'),
    rateLimit: options.rateLimit ?? true,
    httpStatusMirror: options.httpStatusMirror ?? false,
    taskTtlMs: options.taskTtlMs ?? 86_400_000,
    uploadTtlMs: options.uploadTtlMs ?? 259_200_000,
    callbackTimeoutMs: options.callbackTimeoutMs ?? CALLBACK_DELIVERY.timeoutMs,
    publicUrl: options.publicUrl,
    allowExternalFetch: options.allowExternalFetch ?? false,
    loopbackOnly: options.loopbackOnly ?? false,
    addressRule: options.addressRule,
    maxAccounts: positive('maxAccounts', options.maxAccounts, 10_000),
    uploadStoreBytes: positive('uploadStoreBytes', options.uploadStoreBytes, 256 * 1024 * 1024),
    maxDeliveriesPerTask: positive('maxDeliveriesPerTask', options.maxDeliveriesPerTask, 50),
    admin,
    adminToken: options.adminToken || undefined,
    log: options.log ?? false,
    playgroundDir: options.playgroundDir,
    proxy: baseUrl('proxy', options.proxy),
    proxyUploadUrl: baseUrl('proxyUploadUrl', options.proxyUploadUrl),
    proxyApiKey: options.proxyApiKey,
    proxyTimeoutMs: options.proxyTimeoutMs ?? 120_000,
    validate: options.validate ?? false,
    record: options.record || undefined,
    replay: options.replay || undefined,
    driftLog: options.driftLog ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}
