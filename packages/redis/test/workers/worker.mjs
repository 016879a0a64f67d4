/**
 * One worker process of the multi-process tests: a client on the shared key, with or without the
 * Redis coordinator. `node worker.mjs '<json>'` with { baseUrl, apiKey, redisUrl?, creates?, input?,
 * callBackUrl?, handles?, timeoutMs? }: creates `creates` tasks at once (callBackUrl on each, when
 * given), then waits for them and for `handles`, and prints one JSON line: the handles created, each
 * wait's outcome and time, and the recordInfo / createTask requests it sent. "ready" is printed
 * once the coordinator is set up (the tests start the clock from it).
 */
import { createKlingClient } from '@kling-kit/client';
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
      }
      if (request.endsWith('/recordInfo')) {
        requests.recordInfo++;
      }
    },
  },
});
console.info('ready');
const started = Date.now();
const created = await Promise.all(
  Array.from({ length: config.creates ?? 0 }, () =>
    kling.createTask({
      input: config.input,
      ...(config.callBackUrl ? { callBackUrl: config.callBackUrl } : {}),
    }),
  ),
);
const createdMs = Date.now() - started;
const waits = await Promise.all(
  [...created, ...(config.handles ?? [])].map(async (handle) => {
    try {
      const task = await kling.waitForTask(handle, { timeoutMs: config.timeoutMs ?? 60_000 });
      return { taskId: task.taskId, state: task.state, completeTime: task.completeTime, seenAt: Date.now() };
    } catch (error) {
      return { taskId: handle.taskId, error: String(error), seenAt: Date.now() };
    }
  }),
);
await coordinator?.close();
console.info(JSON.stringify({ created, createdMs, waits, requests, warnings }));
