/**
 * What every API command starts with: the output, the key (never printed), the server (kie.ai,
 * `--base-url`/`KIE_BASE_URL`, or an in-process mock with `--mock`) and a client that registers every
 * model of the catalog, so every request is checked locally before it is sent.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KlingClient } from '@kling-kit/client';
import { CliError, usageError } from './errors';
import { EXIT_CODES } from './exit-codes';
import { parseDuration } from './format';
import { type CliIo, Output } from './io';

/** The options every API command takes. */
export interface CommonOptions {
  apiKey?: string;
  baseUrl?: string;
  mock?: boolean;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  timeout?: string;
}

/** A command's connection to kie.ai (or a mock). */
export interface Session {
  readonly io: CliIo;
  readonly out: Output;
  readonly client: KlingClient;
  /** The same account, with a 10-minute request timeout for large uploads. */
  readonly uploads: KlingClient;
  /** `--base-url` as given (undefined: kie.ai itself). */
  readonly baseUrl: string | undefined;
  /** Whether it runs against the in-process mock (`--mock`). */
  readonly mock: boolean;
  /** The wait deadline (`--timeout`), in ms. */
  readonly timeoutMs: number;
  /** 429 retries the client made so far (for the hint if it gives up). */
  readonly rateLimitRetries: number;
  /** Called when the client waits to retry (to show "rate limited, retrying in 2 s"). */
  onRetry?: (event: { delayMs: number; code: number | undefined }) => void;
  close(): Promise<void>;
}

const MOCK_PACKAGE = '@kling-kit/mock-server';
type MockModule = typeof import('@kling-kit/mock-server');

/** `@kling-kit/mock-server`, next to the CLI or in the current project; undefined when neither has it. */
async function loadMock(cwd: string): Promise<MockModule | undefined> {
  const missing = (error: unknown) =>
    (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' ||
    (error as { code?: string }).code === 'MODULE_NOT_FOUND';
  try {
    return await import(MOCK_PACKAGE);
  } catch (error) {
    if (!missing(error)) {
      throw error;
    }
  }
  try {
    const path = createRequire(join(cwd, 'noop.js')).resolve(MOCK_PACKAGE);
    const loaded = (await import(pathToFileURL(path).href)) as MockModule & { default?: MockModule };
    return typeof loaded.startMockServer === 'function' ? loaded : loaded.default;
  } catch (error) {
    if (!missing(error)) {
      throw error;
    }
    return undefined;
  }
}

/** Opens a session for an API command. */
export async function openSession(
  io: CliIo,
  options: CommonOptions,
  out = new Output(io, options),
  /** Register every model's checks with the client (the commands that create tasks). */
  { creates = false }: { creates?: boolean } = {},
): Promise<Session> {
  const timeoutMs = parseDuration(options.timeout ?? '1h');
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw usageError(`--timeout ${options.timeout}: not a duration`, 'write it as 90s, 20m or 2h');
  }
  let mock: Awaited<ReturnType<MockModule['startMockServer']>> | undefined;
  let baseUrl = options.baseUrl ?? (io.env.KIE_BASE_URL || undefined);
  let apiKey = options.apiKey ?? (io.env.KIE_API_KEY?.trim() || undefined);
  out.addSecret(apiKey);
  if (options.mock) {
    const module = await loadMock(io.cwd);
    if (!module) {
      throw usageError(
        `--mock needs ${MOCK_PACKAGE}, which is not installed`,
        `npm install ${MOCK_PACKAGE} (an optional dependency of @kling-kit/cli, left out by --omit=optional)`,
      );
    }
    mock = await module.startMockServer({ port: 0, timing: 'fast', log: false, loopbackOnly: true });
    baseUrl = mock.url;
    apiKey = 'kling-cli-mock';
    out.info(
      out.colors.dim(`using an in-process kling-mock at ${mock.url}: no key needed, nothing is charged`),
    );
  }
  if (baseUrl !== undefined && !/^https?:\/\/[^\s/]+/i.test(baseUrl)) {
    await mock?.close();
    throw usageError(`--base-url ${baseUrl}: not an http(s) URL`);
  }
  if (!apiKey) {
    throw new CliError(
      'no API key',
      EXIT_CODES.account,
      'no-key',
      'set KIE_API_KEY or pass --api-key; or try kling offline with --mock',
    );
  }
  const { createKlingClient } = await import('@kling-kit/client');
  // Only a command that creates tasks loads the models' checks: the others start (and download) lighter.
  const models = creates ? [...new Set((await import('./models')).models.values())] : [];
  let rateLimitRetries = 0;
  const session: Session = {
    io,
    out,
    baseUrl,
    mock: mock !== undefined,
    timeoutMs,
    get rateLimitRetries() {
      return rateLimitRetries;
    },
    client: undefined as unknown as KlingClient,
    uploads: undefined as unknown as KlingClient,
    async close() {
      await mock?.close();
    },
  };
  const hooks = {
    onRetry(event: { delayMs: number; error: Error }) {
      const code = (event.error as { code?: unknown }).code;
      if (code === 429) {
        rateLimitRetries++;
      }
      session.onRetry?.({ delayMs: event.delayMs, code: typeof code === 'number' ? code : undefined });
    },
  };
  const settings = { apiKey, models, hooks, ...(baseUrl ? { baseUrl } : {}) };
  Object.assign(session, {
    client: createKlingClient(settings),
    uploads: createKlingClient({ ...settings, timeoutMs: 10 * 60_000 }),
  });
  return session;
}
