/**
 * The consumer script of the registry round trip, run in a fresh project where
 * `@kling-kit/client` and `@kling-kit/mock-server` were installed from the registry: it starts the
 * installed mock in-process and runs the smoke test with the installed client.
 */
import { MOCK_SERVER_VERSION, startMockServer } from '@kling-kit/mock-server';
import { openReceiver } from './node-receiver.mjs';
import { smoke } from './smoke.mjs';

const hmacKey = 'release-round-trip-hmac-key';
const mock = await startMockServer({ port: 0, timing: 'fast', hmacKey, log: false, loopbackOnly: true });
const callbacks = await openReceiver();
try {
  const result = await smoke({ mockUrl: mock.url, hmacKey, callbacks });
  console.info(JSON.stringify({ ok: true, mockServer: MOCK_SERVER_VERSION, ...result }));
} finally {
  await callbacks.close();
  await mock.close();
}
