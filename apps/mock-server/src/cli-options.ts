/** `kling-mock`'s flags and environment variables, turned into server options. */
import { parseArgs } from 'node:util';
import { isLoopbackHost } from './http/admin-guard';
import type { MockServerOptions } from './options';
import { parseTiming } from './state/timing';

export const HELP = `kling-mock: a faithful, stateful mock of kie.ai's Kling video API (all 19 models)

Usage: kling-mock [options]

Options (each also from an environment variable):
  --port N                 port to listen on, 0 for any free one      KLING_MOCK_PORT        (4010)
  --host H                 interface to listen on                     KLING_MOCK_HOST        (127.0.0.1)
  --api-key K              accept only this key (repeatable); without
                           it any non-empty token is its own account  KLING_MOCK_API_KEYS    (comma-separated)
  --hmac-key K             sign callbacks (X-Webhook-Signature)       KLING_MOCK_HMAC_KEY
  --credits N              starting credits of each account           KLING_MOCK_CREDITS     (100000)
  --timing T               fast | realistic |
                           waiting=MS,queuing=MS,generating=MS        KLING_MOCK_TIMING      (realistic)
  --fail-rate P            share of tasks that fail, 0..1             KLING_MOCK_FAIL_RATE   (0)
  --seed S                 reproducible ids, timings and failures     KLING_MOCK_SEED        (random)
  --no-rate-limit          turn off kie.ai's 20/10 s and 10/s limits  KLING_MOCK_NO_RATE_LIMIT=1
  --http-status-mirror     HTTP status = envelope code for errors     KLING_MOCK_HTTP_STATUS_MIRROR=1
  --task-ttl MS            how long tasks are kept (mock clock)       KLING_MOCK_TASK_TTL    (86400000)
  --public-url URL         base URL written into result links         KLING_MOCK_PUBLIC_URL  (the listening URL)
  --allow-external-fetch   let /api/file-url-upload fetch any URL     KLING_MOCK_ALLOW_EXTERNAL_FETCH=1
  --loopback-only          callbacks and URL uploads may only reach
                           127.0.0.0/8 and ::1 (tests, CI)            KLING_MOCK_LOOPBACK_ONLY=1
  --max-accounts N         accounts kept; idle ones are forgotten
                           past it                                    KLING_MOCK_MAX_ACCOUNTS (10000)
  --upload-store-mb N      live uploads held at most, in MB           KLING_MOCK_UPLOAD_STORE_MB (256)
  --upload-ttl MS          how long uploads are kept (mock clock)     KLING_MOCK_UPLOAD_TTL  (259200000)
  --admin-token T          require Authorization: Bearer T on /__admin
                           (needed with a non-loopback --host)        KLING_MOCK_ADMIN_TOKEN
  --no-admin               do not serve the admin API
  --playground-dir DIR     serve this playground build at /           KLING_MOCK_PLAYGROUND_DIR (the monorepo's)
  --no-playground          do not serve the playground (/ shows the reference)
  --proxy URL              forward /proxy/api/* to the real API, e.g.
                           https://api.kie.ai (KIE_API_KEY, if set, is
                           sent instead of the caller's key)          KLING_MOCK_PROXY
  --proxy-upload-url URL   where the proxy sends /api/file-* calls    KLING_MOCK_PROXY_UPLOAD_URL (kie.ai's)
  --validate               with --proxy: check every real answer
                           against the spec; violations on stderr and
                           at GET /__admin/violations                 KLING_MOCK_VALIDATE=1
  --record DIR             with --proxy: write each exchange to a
                           cassette in DIR (key redacted)             KLING_MOCK_RECORD
  --replay DIR             answer the API from the cassettes in DIR,
                           offline (advance the clock to move tasks)  KLING_MOCK_REPLAY
  --quiet                  no request log                             KLING_MOCK_QUIET=1
  -h, --help               this help
  -v, --version            the version

Endpoints: the kie.ai API and upload API (one port), /files/*, /openapi.yaml, /openapi.json,
/reference, /healthz, the playground at /, /proxy/api/* with --proxy, and the admin API under
/__admin (GET /__admin lists it).`;

/** What the command line asks for. */
export type CliRequest =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'serve';
      options: MockServerOptions;
      quiet: boolean;
      /** Look for the playground build next to the mock (no `--playground-dir`, no `--no-playground`). */
      findPlayground: boolean;
    };

/** Longest TTL accepted: ten years, far past any test and well inside a Date. */
const MAX_TTL_MS = 10 * 365 * 86_400_000;

const truthy = (value: string | undefined) => value !== undefined && /^(1|true|yes|on)$/i.test(value);

function number(name: string, text: string, check: (value: number) => boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) {
    throw new Error(`Invalid ${name}: "${text}"`);
  }
  return value;
}

function url(name: string, text: string): string {
  if (!/^https?:\/\/[^/]/i.test(text) || !URL.canParse(text)) {
    throw new Error(`Invalid ${name}: "${text}" (use http:// or https://)`);
  }
  return text.replace(/\/+$/, '');
}

/** Parses argv (without node and the script) and the environment. Throws with a readable message. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliRequest {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'hmac-key': { type: 'string' },
      credits: { type: 'string' },
      timing: { type: 'string' },
      'fail-rate': { type: 'string' },
      seed: { type: 'string' },
      'no-rate-limit': { type: 'boolean' },
      'http-status-mirror': { type: 'boolean' },
      'task-ttl': { type: 'string' },
      'public-url': { type: 'string' },
      'allow-external-fetch': { type: 'boolean' },
      'loopback-only': { type: 'boolean' },
      'max-accounts': { type: 'string' },
      'upload-store-mb': { type: 'string' },
      'upload-ttl': { type: 'string' },
      'admin-token': { type: 'string' },
      'no-admin': { type: 'boolean' },
      'playground-dir': { type: 'string' },
      'no-playground': { type: 'boolean' },
      proxy: { type: 'string' },
      'proxy-upload-url': { type: 'string' },
      validate: { type: 'boolean' },
      record: { type: 'string' },
      replay: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.help) {
    return { kind: 'help' };
  }
  if (values.version) {
    return { kind: 'version' };
  }
  const port = values.port ?? env.KLING_MOCK_PORT ?? '4010';
  const credits = values.credits ?? env.KLING_MOCK_CREDITS;
  const failRate = values['fail-rate'] ?? env.KLING_MOCK_FAIL_RATE;
  const taskTtl = values['task-ttl'] ?? env.KLING_MOCK_TASK_TTL;
  const apiKeys =
    values['api-key'] ??
    env.KLING_MOCK_API_KEYS?.split(',')
      .map((key) => key.trim())
      .filter(Boolean);
  const options: MockServerOptions = {
    port: number('port', port, (value) => Number.isInteger(value) && value >= 0 && value <= 65535),
    host: values.host ?? env.KLING_MOCK_HOST ?? '127.0.0.1',
    timing: parseTiming(values.timing ?? env.KLING_MOCK_TIMING ?? 'realistic'),
    rateLimit: !(values['no-rate-limit'] ?? truthy(env.KLING_MOCK_NO_RATE_LIMIT)),
    httpStatusMirror: values['http-status-mirror'] ?? truthy(env.KLING_MOCK_HTTP_STATUS_MIRROR),
    allowExternalFetch: values['allow-external-fetch'] ?? truthy(env.KLING_MOCK_ALLOW_EXTERNAL_FETCH),
    loopbackOnly: values['loopback-only'] ?? truthy(env.KLING_MOCK_LOOPBACK_ONLY),
    admin: !values['no-admin'],
  };
  const maxAccounts = values['max-accounts'] ?? env.KLING_MOCK_MAX_ACCOUNTS;
  if (maxAccounts !== undefined) {
    options.maxAccounts = number(
      'max accounts',
      maxAccounts,
      (value) => Number.isSafeInteger(value) && value > 0,
    );
  }
  const uploadStoreMb = values['upload-store-mb'] ?? env.KLING_MOCK_UPLOAD_STORE_MB;
  if (uploadStoreMb !== undefined) {
    options.uploadStoreBytes = Math.round(
      number('upload store size', uploadStoreMb, (value) => value > 0 && value <= 1024 * 1024) * 1024 * 1024,
    );
  }
  const uploadTtl = values['upload-ttl'] ?? env.KLING_MOCK_UPLOAD_TTL;
  if (uploadTtl !== undefined) {
    options.uploadTtlMs = number('upload TTL', uploadTtl, (value) => value > 0 && value <= MAX_TTL_MS);
  }
  const adminToken = values['admin-token'] ?? env.KLING_MOCK_ADMIN_TOKEN;
  if (adminToken?.trim()) {
    options.adminToken = adminToken.trim();
  }
  if (options.admin && !options.adminToken && !isLoopbackHost(options.host as string)) {
    throw new Error(
      `--host ${options.host} would expose the admin API to the network: add --admin-token <token> (or KLING_MOCK_ADMIN_TOKEN), or --no-admin`,
    );
  }
  if (apiKeys && apiKeys.length > 0) {
    options.apiKeys = apiKeys;
  }
  const hmacKey = values['hmac-key'] ?? env.KLING_MOCK_HMAC_KEY;
  if (hmacKey) {
    options.hmacKey = hmacKey;
  }
  if (credits !== undefined) {
    options.credits = number('credits', credits, (value) => value >= 0);
  }
  if (failRate !== undefined) {
    options.failRate = number('fail rate', failRate, (value) => value >= 0 && value <= 1);
  }
  if (taskTtl !== undefined) {
    options.taskTtlMs = number('task TTL', taskTtl, (value) => value > 0 && value <= MAX_TTL_MS);
  }
  const seed = values.seed ?? env.KLING_MOCK_SEED;
  if (seed) {
    options.seed = seed;
  }
  const publicUrl = values['public-url'] ?? env.KLING_MOCK_PUBLIC_URL;
  if (publicUrl) {
    options.publicUrl = publicUrl.replace(/\/+$/, '');
  }
  const playgroundDir = values['playground-dir'] ?? env.KLING_MOCK_PLAYGROUND_DIR;
  if (playgroundDir) {
    options.playgroundDir = playgroundDir;
  }
  const proxy = values.proxy ?? env.KLING_MOCK_PROXY;
  if (proxy) {
    options.proxy = url('proxy URL', proxy);
    const proxyUploadUrl = values['proxy-upload-url'] ?? env.KLING_MOCK_PROXY_UPLOAD_URL;
    if (proxyUploadUrl) {
      options.proxyUploadUrl = url('proxy upload URL', proxyUploadUrl);
    }
    // From the environment only: a flag would show the key in `ps`.
    if (env.KIE_API_KEY?.trim()) {
      options.proxyApiKey = env.KIE_API_KEY.trim();
    }
  }
  const validate = values.validate ?? truthy(env.KLING_MOCK_VALIDATE);
  const record = values.record ?? env.KLING_MOCK_RECORD;
  if ((validate || record) && !options.proxy) {
    throw new Error(`--${validate ? 'validate' : 'record'} checks what the proxy relays: add --proxy URL`);
  }
  if (validate) {
    options.validate = true;
  }
  if (record) {
    options.record = record;
  }
  const replay = values.replay ?? env.KLING_MOCK_REPLAY;
  if (replay) {
    options.replay = replay;
  }
  return {
    kind: 'serve',
    options,
    quiet: values.quiet ?? truthy(env.KLING_MOCK_QUIET),
    findPlayground: !playgroundDir && !values['no-playground'],
  };
}
