/**
 * Servers on 127.0.0.1 that the mock delivers its callbacks to, one per way of mounting the
 * handlers: the Fetch handler behind a small node:http → Request/Response bridge, the Node handler
 * on plain node:http, and on a real Express 5 app (with or without a body parser before it).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeCallbackRequest, NodeCallbackResponse } from '../../src/webhooks';

/** A listening server: `url` has no trailing slash; routes are paths under it. */
export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

type FetchHandler = (request: Request) => Promise<Response>;
type NodeHandler = (req: NodeCallbackRequest, res: NodeCallbackResponse) => Promise<void>;

async function listen(server: Server): Promise<Served> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const notFound: RequestListener = (_req, res) => {
  res.writeHead(404).end();
};

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The Fetch handlers behind node:http, converted to Request and back as a Fetch runtime would. */
export function serveFetch(routes: Readonly<Record<string, FetchHandler>>): Promise<Served> {
  return listen(
    createServer(async (req, res) => {
      const handler = routes[req.url ?? ''];
      if (!handler) {
        notFound(req, res);
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        for (const one of [value ?? []].flat()) {
          headers.append(name, one);
        }
      }
      const method = req.method ?? 'GET';
      const body = method === 'GET' || method === 'HEAD' ? undefined : new Uint8Array(await readAll(req));
      const response = await handler(
        new Request(`http://${req.headers.host}${req.url}`, { method, headers, ...(body ? { body } : {}) }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    }),
  );
}

/** The Node handlers on plain node:http; `before` runs first on each request (e.g. to consume the body). */
export function serveNode(
  routes: Readonly<Record<string, NodeHandler>>,
  before?: (req: IncomingMessage) => Promise<void>,
): Promise<Served> {
  return listen(
    createServer(async (req, res) => {
      const handler = routes[req.url ?? ''];
      if (!handler) {
        notFound(req, res);
        return;
      }
      await before?.(req);
      await handler(req, res);
    }),
  );
}

/** The few members of Express the tests use (the client has no Express types). */
export interface ExpressModule {
  (): RequestListener & {
    use(...handlers: unknown[]): void;
    all(path: string, ...handlers: unknown[]): void;
  };
  json(): unknown;
  raw(options: { type: string }): unknown;
  text(options: { type: string }): unknown;
}

/**
 * Express 5, when the client can resolve it (a devDependency of the mock server's, not of the
 * client's yet): `undefined` otherwise, and the Express tests are skipped.
 */
export async function loadExpress(): Promise<ExpressModule | undefined> {
  const specifier = 'express';
  try {
    return ((await import(/* @vite-ignore */ specifier)) as { default: ExpressModule }).default;
  } catch {
    return undefined;
  }
}

/** Which body parser runs before the handler in the Express app. */
export type ExpressParser = 'none' | 'json' | 'raw' | 'text';

/** The Node handlers as routes of a real Express app. */
export function serveExpress(
  express: ExpressModule,
  routes: Readonly<Record<string, NodeHandler>>,
  parser: ExpressParser,
): Promise<Served> {
  const app = express();
  if (parser === 'json') {
    app.use(express.json());
  } else if (parser === 'raw') {
    app.use(express.raw({ type: 'application/json' }));
  } else if (parser === 'text') {
    app.use(express.text({ type: 'application/json' }));
  }
  for (const [path, handler] of Object.entries(routes)) {
    app.all(path, handler);
  }
  return listen(createServer(app));
}
