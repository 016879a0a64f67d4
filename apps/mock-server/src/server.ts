/** Starts the mock on a port: the in-process API for tests, and what the CLI runs. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { version } from '../package.json';
import type { MockAdmin } from './admin';
import { createMockApp } from './app';
import { type MockServerOptions, resolveOptions } from './options';

/** A running mock server. */
export interface RunningMockServer {
  /** Base URL of both kie.ai servers (API and uploads), e.g. `http://127.0.0.1:4010`. */
  readonly url: string;
  /** The address actually bound, as a URL (`http://0.0.0.0:4010` for all interfaces). */
  readonly boundUrl: string;
  readonly port: number;
  /** Steer the mock from the test: tasks, clock, faults, callbacks, credits, reset. */
  readonly admin: MockAdmin;
  /** Stops listening, ends open connections and pending timers, and waits for callbacks in flight. */
  close(): Promise<void>;
}

/** The mock-server package version. */
export const MOCK_SERVER_VERSION: string = version;

/**
 * Starts a mock of kie.ai's Kling video API (every model of the spec).
 *
 * ```ts
 * const mock = await startMockServer({ port: 0, timing: 'fast', hmacKey: 'secret' });
 * // … point the client at mock.url …
 * await mock.close();
 * ```
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<RunningMockServer> {
  const resolved = resolveOptions(options);
  const { app, state, admin } = createMockApp(resolved, version);
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(resolved.port, resolved.host, (error?: Error) => {
      if (error) {
        reject(error);
      } else {
        resolve(listening);
      }
    });
    listening.once('error', reject);
  });
  server.keepAliveTimeout = 5_000;
  const { port, address } = server.address() as AddressInfo;
  const boundUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const host = resolved.host.includes(':')
    ? `[${resolved.host}]`
    : resolved.host === '0.0.0.0'
      ? '127.0.0.1'
      : resolved.host;
  const url = `http://${host}:${port}`;
  state.settings.publicUrl = resolved.publicUrl ?? url;
  return {
    url,
    boundUrl,
    port,
    admin,
    async close() {
      state.clock.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await state.callbacks.settle();
      state.callbacks.close();
    },
  };
}
