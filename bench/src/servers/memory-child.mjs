/**
 * The mock in-process (`startMockServer()`), in a process started with `--expose-gc` and steered over
 * IPC: start, measure heap and RSS after gc, advance the mock clock, read the callback log, close.
 */
import { startMockServer } from '@kling-kit/mock-server';

let mock;
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function measure() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await tick();
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss };
}

const COMMANDS = {
  start: async ({ options }) => {
    mock = await startMockServer(options);
    return { url: mock.url };
  },
  measure,
  advance: async ({ ms }) => {
    const clock = mock.admin.advanceClock(ms);
    await mock.admin.settleCallbacks();
    return clock;
  },
  deliveries: async () => {
    const log = mock.admin.deliveries();
    return { total: log.length, failed: log.filter((entry) => entry.outcome === 'failed').length };
  },
  close: async () => {
    await mock.close();
    return {};
  },
};

process.on('message', (message) => {
  const command =
    COMMANDS[message.cmd] ?? (() => Promise.reject(new Error(`unknown command ${message.cmd}`)));
  command(message).then(
    (result) => process.send({ id: message.id, result }),
    (error) => process.send({ id: message.id, error: String(error?.stack ?? error) }),
  );
});
