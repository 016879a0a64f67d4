/** A recording proxy on loopback: clients talk to it, it forwards to the mock and keeps every exchange. */
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a client sent and the answer it got, bodies as text. */
export interface Exchange {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: string;
  readonly requestBody: string;
  readonly status: number;
  readonly contentType: string;
  readonly responseBody: string;
}

export interface RecordingProxy {
  /** The proxy's base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  /** Every exchange so far, oldest first. */
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

async function readBody(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Starts a proxy on 127.0.0.1 (random port) in front of `target` (a loopback URL). */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
    const forwarded = request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    });
    forwarded.on('response', async (answer) => {
      const answerBody = await readBody(answer);
      const url = new URL(req.url ?? '/', 'http://proxy');
      exchanges.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search,
        requestBody: body.toString('utf8'),
        status: answer.statusCode ?? 0,
        contentType: String(answer.headers['content-type'] ?? ''),
        responseBody: answerBody.toString('utf8'),
      });
      const { 'transfer-encoding': _chunked, connection: _connection, ...answerHeaders } = answer.headers;
      res.writeHead(answer.statusCode ?? 502, { ...answerHeaders, 'content-length': answerBody.length });
      res.end(answerBody);
    });
    forwarded.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`recording proxy: ${error.message}`);
    });
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
