/** A real HTTP server that receives callbacks, records them, and answers as a test scripts it. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface Receiver {
  url: string;
  received: ReceivedCallback[];
  /** Statuses to answer, in order; the last one repeats. */
  statuses: number[];
  /** Wait this long before answering (ms). */
  delayMs: number;
  /** Resolves once `count` callbacks have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedCallback[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const waiters: (() => void)[] = [];
  const receiver: Omit<Receiver, 'url' | 'close'> & { server?: Server } = {
    received: [],
    statuses: [200],
    delayMs: 0,
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (receiver.received.length >= count) {
            resolve(receiver.received.slice(0, count));
            return true;
          }
          return false;
        };
        if (check()) {
          return;
        }
        const timer = setTimeout(
          () => reject(new Error(`only ${receiver.received.length} of ${count} callbacks arrived`)),
          timeoutMs,
        );
        waiters.push(() => {
          if (check()) {
            clearTimeout(timer);
          }
        });
      });
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = receiver.received.length;
      receiver.received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      });
      for (const waiter of waiters) {
        waiter();
      }
      const status = receiver.statuses[Math.min(index, receiver.statuses.length - 1)] ?? 200;
      setTimeout(() => {
        if (!res.destroyed) {
          res.writeHead(status).end('ok');
        }
      }, receiver.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/kie-callback`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
