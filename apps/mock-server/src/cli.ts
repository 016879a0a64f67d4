#!/usr/bin/env node
/** `kling-mock`: runs the mock until SIGINT/SIGTERM. */
import { HELP, parseCli } from './cli-options';
import { isLoopbackHost } from './http/admin-guard';
import { findPlaygroundDir } from './http/playground';
import { MOCK_SERVER_VERSION, startMockServer } from './server';

async function main(): Promise<void> {
  let request: ReturnType<typeof parseCli>;
  try {
    request = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(
      `kling-mock: ${error instanceof Error ? error.message : String(error)}\nRun kling-mock --help.`,
    );
    process.exit(2);
  }
  if (request.kind === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (request.kind === 'version') {
    process.stdout.write(`${MOCK_SERVER_VERSION}\n`);
    return;
  }
  const log = request.quiet ? false : (line: string) => process.stdout.write(`${line}\n`);
  const playgroundDir =
    request.options.playgroundDir ?? (request.findPlayground ? findPlaygroundDir() : undefined);
  const mock = await startMockServer({
    ...request.options,
    log,
    ...(playgroundDir ? { playgroundDir } : {}),
  });
  const { timing, seed, proxy, host } = request.options;
  const timingName = typeof timing === 'string' ? timing : 'custom';
  if (host !== undefined && !isLoopbackHost(host)) {
    process.stderr.write(
      `kling-mock: warning: listening on ${mock.boundUrl} makes the mock reachable from the network; ` +
        `${request.options.admin === false ? 'the admin API is off' : 'the admin API requires the admin token'}, ` +
        'but anyone who can reach this address can use the API and read results.\n',
    );
  }
  const adminNote = request.options.admin === false ? 'off' : `${mock.url}/__admin`;
  process.stdout.write(
    `kling-mock ${MOCK_SERVER_VERSION} listening on ${mock.boundUrl} (timing ${timingName}${seed ? `, seed ${seed}` : ''})\n` +
      (playgroundDir ? `  playground: ${mock.url}/\n` : '') +
      `  API and uploads: ${mock.url}   reference: ${mock.url}/reference   admin: ${adminNote}\n` +
      (proxy ? `  proxy: ${mock.url}/proxy/api/* -> ${proxy}\n` : '') +
      (request.options.validate
        ? `  validating what the proxy relays: ${mock.url}/__admin/violations\n`
        : '') +
      (request.options.record ? `  recording exchanges to ${request.options.record}\n` : '') +
      (request.options.replay ? `  replaying the cassettes in ${request.options.replay}\n` : ''),
  );
  let closing = false;
  const stop = (signal: string) => {
    if (closing) {
      return;
    }
    closing = true;
    process.stdout.write(`kling-mock: ${signal}, shutting down\n`);
    const force = setTimeout(() => process.exit(0), 3_000);
    force.unref();
    mock.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  console.error(
    `kling-mock: could not start: ${code === 'EADDRINUSE' ? 'the port is already in use (try --port 0)' : error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
