/** A callback receiver on loopback through node:http (Node, Bun and Deno all provide it). */
import { createServer } from 'node:http';

export async function openReceiver() {
  const deliveries = [];
  const waiters = new Set();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      deliveries.push({ body, headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      for (const wake of waiters) {
        wake();
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const find = (taskId) => deliveries.find((d) => d.body.includes(`"${taskId}"`));
  return {
    url: `http://127.0.0.1:${port}/kie-callback`,
    next(taskId, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`smoke: no callback for ${taskId} within ${timeoutMs} ms`));
        }, timeoutMs);
        const wake = () => {
          const found = find(taskId);
          if (found) {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve(found);
          }
        };
        waiters.add(wake);
        wake();
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },
  };
}
