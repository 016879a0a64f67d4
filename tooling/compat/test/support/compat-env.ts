/**
 * What every compat test runs against: a real kling-mock in-process (loopback only, fast timing),
 * the recording proxy in front of it that the clients are pointed at, a callback receiver on
 * 127.0.0.1 and a temporary folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningMockServer, startMockServer } from '@kling-kit/mock-server';
import { type RecordingProxy, startRecordingProxy } from './recording-proxy';

/** The API key the clients are given (the mock accepts any bearer token as its own account). */
export const API_KEY = 'compat-test-key';

/**
 * Where the mock says its files live. Some clients accept only public https file URLs (no IP, no
 * custom port); nothing in the suite fetches this host, and the loopback guard would refuse it.
 */
export const PUBLIC_URL = 'https://files.kling-mock.test';

export interface CompatEnv {
  readonly mock: RunningMockServer;
  readonly proxy: RecordingProxy;
  /** The callback receiver's URL and what it received. */
  readonly callbackUrl: string;
  readonly callbacks: unknown[];
  readonly dir: string;
  close(): Promise<void>;
}

export async function startCompatEnv(): Promise<CompatEnv> {
  const mock = await startMockServer({
    port: 0,
    timing: 'fast',
    loopbackOnly: true,
    apiKeys: [API_KEY],
    publicUrl: PUBLIC_URL,
  });
  const proxy = await startRecordingProxy(mock.url);
  const callbacks: unknown[] = [];
  const receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    callbacks.push(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  const dir = await mkdtemp(join(tmpdir(), 'kling-compat-'));
  return {
    mock,
    proxy,
    callbackUrl: `http://127.0.0.1:${port}/kie-callback`,
    callbacks,
    dir,
    async close() {
      await proxy.close();
      await mock.close();
      await new Promise<void>((resolve) => {
        receiver.close(() => resolve());
        receiver.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
