/**
 * One worker process of the Redis benchmark (bench/src/redis-scale.mjs): a client on the shared key,
 * with the Redis coordinator or without it, and optionally a callback handler (a load balancer's
 * instance) that publishes each callback to the coordinator's feed.
 *
 * `node redis-worker.mjs '<json>'`: { baseUrl, apiKey, redisUrl?, callbackSecret?, creates?, input?,
 * timeoutMs? }. Prints `ready {"callbackUrl":…}` once set up, then reads one JSON line on stdin: the
 * handles to wait for (`[]` for none). Creates `creates` tasks at once, waits for every handle, prints
 * one JSON report line, and exits when stdin closes (its handler keeps serving other workers' tasks
 * until then).
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { createKlingClient } from '@kling-kit/client';
import { createNodeCallbackHandler } from '@kling-kit/client/webhooks';
import { createRedisCoordinator } from '@kling-kit/redis';

const config = JSON.parse(process.argv[2] ?? '{}');
const warnings = [];
const coordinator = config.redisUrl
  ? createRedisCoordinator({
      redis: config.redisUrl,
      apiKey: config.apiKey,
      onWarning: (m) => warnings.push(m),
    })
  : undefined;
const requests = { createTask: 0, recordInfo: 0 };
const kling = createKlingClient({
  apiKey: config.apiKey,
  baseUrl: config.baseUrl,
  coordinator,
  hooks: {
    onRequest: ({ request }) => {
      if (request.endsWith('/createTask')) {
        requests.createTask++;
      } else if (request.endsWith('/recordInfo')) {
        requests.recordInfo++;
      }
    },
  },
});

let receiver;
let callbackUrl;
if (config.callbackSecret) {
  const handler = createNodeCallbackHandler({
    secret: config.callbackSecret,
    coordinator,
    onCallback: () => {},
  });
  receiver = createServer((req, res) => void handler(req, res));
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${receiver.address().port}/kie-callback`;
}
console.info(`ready ${JSON.stringify({ callbackUrl })}`);

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const handles = JSON.parse((await lines.next()).value ?? '[]');

const started = Date.now();
const createdAt = [];
const created = await Promise.all(
  Array.from({ length: config.creates ?? 0 }, async () => {
    try {
      const handle = await kling.createTask({ input: config.input });
      createdAt.push(Date.now());
      return handle;
    } catch (error) {
      return { error: String(error) };
    }
  }),
);
const waits = await Promise.all(
  handles.map(async (handle) => {
    try {
      const task = await kling.waitForTask(handle, { timeoutMs: config.timeoutMs ?? 300_000 });
      return { taskId: task.taskId, state: task.state, completeTime: task.completeTime, seenAt: Date.now() };
    } catch (error) {
      return { taskId: handle.taskId, error: String(error), seenAt: Date.now() };
    }
  }),
);
console.info(JSON.stringify({ started, created, createdAt, waits, requests, warnings }));

for await (const _line of lines) {
  // stdin stays open until the bench is done with every worker
}
receiver?.closeAllConnections();
receiver?.close();
await coordinator?.close();
process.exit(0);
