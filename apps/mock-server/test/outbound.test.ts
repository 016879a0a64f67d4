/**
 * Where the mock connects on its own: URL uploads and callbacks. The address rule is injected so
 * the test never leaves loopback: 127.0.0.1 plays an allowed host, 127.0.0.2 a forbidden one, and
 * the forbidden listener must never see a connection, whatever redirects lead there.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { isLoopbackAddress } from '../src/state/outbound';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';
import { startReceiver } from './receiver';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

interface Listener {
  url: string;
  port: number;
  connections: number;
  close(): Promise<void>;
}

async function listen(host: string, handler: RequestListener): Promise<Listener> {
  const server: Server = createServer(handler);
  const listener = { connections: 0 } as Listener;
  server.on('connection', () => {
    listener.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(listener, {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

const onlyFirstLoopback = (address: string) => address === '127.0.0.1';

let mock: RunningMockServer;
let kie: MockCaller;
let forbidden: Listener;
let allowed: Listener;
beforeAll(async () => {
  mock = await startTestMock({ rateLimit: false, addressRule: onlyFirstLoopback });
  kie = new MockCaller(mock);
  forbidden = await listen('127.0.0.2', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
  });
  allowed = await listen('127.0.0.1', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/image.png') {
      res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
    } else if (url.pathname === '/to') {
      res.writeHead(302, { Location: url.searchParams.get('next') ?? '/' }).end();
    } else if (url.pathname === '/loop') {
      res.writeHead(302, { Location: '/loop' }).end();
    } else {
      res.writeHead(404).end('nope');
    }
  });
});
afterAll(async () => {
  await mock.close();
  await forbidden.close();
  await allowed.close();
});

const urlUpload = (fileUrl: string) =>
  kie.call<{ code: number; msg: string }>('POST', '/api/file-url-upload', {
    json: { fileUrl, uploadPath: 'outbound' },
  });

describe('URL uploads', () => {
  it('fetches an allowed address, following redirects that stay allowed', async () => {
    expect((await urlUpload(`${allowed.url}/image.png`)).body.code).toBe(200);
    const redirected = await urlUpload(
      `${allowed.url}/to?next=${encodeURIComponent(`${allowed.url}/image.png`)}`,
    );
    expect(redirected.body.code).toBe(200);
  });

  it('never connects to a forbidden address, given directly or reached through a redirect', async () => {
    const direct = await urlUpload(`${forbidden.url}/image.png`);
    const viaRedirect = await urlUpload(
      `${allowed.url}/to?next=${encodeURIComponent(`${forbidden.url}/image.png`)}`,
    );
    const viaTwo = await urlUpload(
      `${allowed.url}/to?next=${encodeURIComponent(`/to?next=${encodeURIComponent(`${forbidden.url}/x.png`)}`)}`,
    );
    for (const answer of [direct, viaRedirect, viaTwo]) {
      expect(answer.status).toBe(400);
    }
    expect(forbidden.connections).toBe(0);
  });

  it('answers one message for every address it may not or cannot fetch', async () => {
    const closed = await listen('127.0.0.1', () => {});
    const closedUrl = `${closed.url}/image.png`;
    await closed.close();
    const answers = await Promise.all([
      urlUpload(`${forbidden.url}/image.png`), // forbidden
      urlUpload(closedUrl), // closed port
      urlUpload(`${allowed.url}/missing.png`), // open port, HTTP 404
      urlUpload(`${allowed.url}/loop`), // redirect loop
    ]);
    const messages = new Set(answers.map((answer) => `${answer.status} ${answer.body.msg}`));
    expect(messages.size, [...messages].join(' | ')).toBe(1);
    expect(forbidden.connections).toBe(0);
  });

  it('refuses host names without resolving them in loopback-only mode', async () => {
    const strict = await startTestMock({ loopbackOnly: true });
    try {
      const answer = await new MockCaller(strict).call<{ code: number }>('POST', '/api/file-url-upload', {
        json: { fileUrl: 'https://images.example/a.png', uploadPath: 'x' },
      });
      // The loopback guard of the test setup would fail this file had the mock tried to connect.
      expect(answer.body.code).toBe(400);
    } finally {
      await strict.close();
    }
  });
});

describe('callbacks', () => {
  it('are only delivered to allowed addresses, and a refused one is logged as such', async () => {
    const receiver = await startReceiver();
    try {
      const delivered = await kie.newTask({ ...SEED_REQUEST, callBackUrl: receiver.url });
      const refused = await kie.newTask({ ...SEED_REQUEST, callBackUrl: `${forbidden.url}/kie-callback` });
      mock.admin.forceState(delivered, 'success');
      mock.admin.forceState(refused, 'success');
      await receiver.waitFor(1);
      await mock.admin.settleCallbacks();
      expect(mock.admin.deliveries(refused)[0]).toMatchObject({
        outcome: 'failed',
        error: 'address not allowed (the mock confines callbacks to loopback)',
      });
      expect(forbidden.connections).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});

describe('isLoopbackAddress', () => {
  it('accepts 127.0.0.0/8 and ::1 only', () => {
    for (const address of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
    for (const address of ['0.0.0.0', '10.0.0.1', '169.254.169.254', '::', '::ffff:10.0.0.1', 'localhost']) {
      expect(isLoopbackAddress(address), address).toBe(false);
    }
  });
});
