/**
 * The `@kling-kit/redis` smoke test, run with Node in a fresh project where the packages were
 * installed from their tarballs (`pnpm check:packages`) or from the registry (`pnpm test:release`).
 * A throwaway redis-server on a free loopback port (no persistence, killed at the end), the installed
 * mock in-process with kie.ai's limits, two coordinators on one key standing for two processes:
 * "web" receives the mock's signed callbacks with the installed callback handler and publishes them;
 * "worker" creates the tasks and waits for them, and must get every result from the feed without a
 * single recordInfo query. Then both ask the shared create budget, and Redis must hold a hash of the
 * key, never the key. Prints one JSON line.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { createKlingClient } from '@kling-kit/client';
import { createNodeCallbackHandler } from '@kling-kit/client/webhooks';
import { startMockServer } from '@kling-kit/mock-server';
import { createRedisCoordinator, keyHash } from '@kling-kit/redis';
import { Redis } from 'ioredis';

const API_KEY = 'sk-redis-consumer-key';
const HMAC_KEY = 'redis-consumer-hmac-key';

function check(condition, message) {
  if (!condition) {
    throw new Error(`redis consumer: ${message}`);
  }
}

const port = await new Promise((resolve, reject) => {
  const probe = createTcpServer();
  probe.once('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const server = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise((resolve, reject) => {
  let output = '';
  server.once('error', reject);
  server.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  server.stdout.on('data', (chunk) => {
    output += chunk;
    if (output.includes('Ready to accept connections')) {
      resolve();
    }
  });
});

const started = Date.now();
const url = `redis://127.0.0.1:${port}`;
const mock = await startMockServer({
  port: 0,
  timing: 'fast',
  hmacKey: HMAC_KEY,
  log: false,
  loopbackOnly: true,
});
const web = createRedisCoordinator({ redis: url, apiKey: API_KEY });
const worker = createRedisCoordinator({ redis: url, apiKey: API_KEY });
const handler = createNodeCallbackHandler({ secret: HMAC_KEY, coordinator: web, onCallback: () => {} });
const receiver = createServer((req, res) => void handler(req, res));
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const callBackUrl = `http://127.0.0.1:${receiver.address().port}/kie-callback`;
const inspect = new Redis(url);
try {
  let queries = 0;
  const kling = createKlingClient({
    apiKey: API_KEY,
    baseUrl: mock.url,
    coordinator: worker,
    hooks: { onRequest: ({ request }) => request.endsWith('/recordInfo') && queries++ },
  });
  const input = { prompt: 'A paper boat in the rain', image_url: 'https://example.com/boat.png' };
  const handles = await Promise.all([1, 2].map(() => kling.createTask({ input, callBackUrl })));
  const tasks = await Promise.all(handles.map((handle) => kling.waitForTask(handle, { timeoutMs: 20_000 })));
  check(
    tasks.every((task) => task.state === 'success' && task.resultUrls.length === 1),
    'a wait did not succeed',
  );
  check(queries === 0, `the waits sent ${queries} recordInfo queries instead of using the feed`);
  await Promise.all([web.acquire('createTask'), worker.acquire('createTask')]);
  check(web.mode === 'shared' && worker.mode === 'shared', 'a coordinator fell back to local limits');
  const keys = await inspect.keys('*');
  check(
    keys.length > 0 && keys.every((key) => key.includes(keyHash(API_KEY)) && !key.includes(API_KEY)),
    `Redis keys: ${keys.join(', ')}`,
  );
  console.info(
    JSON.stringify({ ok: true, tasks: tasks.length, queries, peers: worker.peers, ms: Date.now() - started }),
  );
} finally {
  await inspect.quit();
  receiver.closeAllConnections();
  receiver.close();
  await Promise.all([web.close(), worker.close()]);
  await mock.close();
  server.kill('SIGKILL');
}
process.exit(0);
