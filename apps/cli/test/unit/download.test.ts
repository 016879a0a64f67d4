import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../../src/download';

const BODY = Buffer.alloc(3 * 1024 * 1024, 7);
let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'kling-download-'));
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/video.mp4' }).end();
    } else if (req.url === '/video.mp4' || req.url === '/fresh.mp4') {
      res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
    } else if (req.url === '/chunked.mp4') {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.write(BODY.subarray(0, 1_000_000));
      res.end(BODY.subarray(1_000_000));
    } else if (req.url === '/until-close.mp4') {
      // Written on the socket itself: no Content-Length, the body ends with the connection.
      req.socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n'), BODY]));
    } else if (req.url === '/short.mp4') {
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 1000));
      setTimeout(() => res.destroy(), 20);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('download', () => {
  it('streams to a .part file renamed when whole, following redirects, reporting progress', async () => {
    const progress: number[] = [];
    const dest = join(dir, 'a', 'video.mp4');
    const result = await download(`${base}/redirect`, dest, {
      onProgress: (received) => progress.push(received),
    });
    expect(result).toMatchObject({ path: dest, bytes: BODY.length });
    expect(readFileSync(dest).equals(BODY)).toBe(true);
    expect(progress.at(-1)).toBe(BODY.length);
    expect(readdirSync(join(dir, 'a'))).toEqual(['video.mp4']);
  });

  it('takes a chunked body (through node:http) and one that ends with the connection', async () => {
    for (const name of ['chunked', 'until-close']) {
      const dest = join(dir, `${name}.mp4`);
      const result = await download(`${base}/${name}.mp4`, dest);
      expect(result.bytes).toBe(BODY.length);
      expect(readFileSync(dest).equals(BODY)).toBe(true);
    }
  });

  it('speaks HTTPS, with the server name and the certificate checked', async () => {
    const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
    const secure = createHttpsServer(
      { key: fixture('localhost-key.pem'), cert: fixture('localhost-cert.pem') },
      (_req, res) => res.writeHead(200, { 'content-length': BODY.length }).end(BODY),
    );
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const port = (secure.address() as AddressInfo).port;
    try {
      const dest = join(dir, 'secure.mp4');
      const ca = fixture('localhost-cert.pem');
      for (const host of ['localhost', '127.0.0.1']) {
        expect((await download(`https://${host}:${port}/v.mp4`, dest, { ca })).bytes).toBe(BODY.length);
        expect(readFileSync(dest).equals(BODY)).toBe(true);
      }
      // Without the certificate's authority the connection is refused, and nothing is left behind.
      await expect(download(`https://localhost:${port}/v.mp4`, join(dir, 'untrusted.mp4'))).rejects.toThrow(
        /self-signed|certificate/,
      );
      expect(existsSync(join(dir, 'untrusted.mp4.part'))).toBe(false);
    } finally {
      await new Promise((resolve) => secure.close(resolve));
    }
  });

  it('fails on a short body and leaves no file behind', async () => {
    const dest = join(dir, 'b.mp4');
    await expect(download(`${base}/short.mp4`, dest, { retries: 1 })).rejects.toThrow(
      /incomplete|mid-file|closed the connection/,
    );
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('asks once for a fresh link when the link answers 404, and never sends a key', async () => {
    const dest = join(dir, 'c.mp4');
    const asked: string[] = [];
    const result = await download(`${base}/expired.mp4`, dest, {
      refresh: async (url) => {
        asked.push(url);
        return `${base}/fresh.mp4`;
      },
    });
    expect(asked).toEqual([`${base}/expired.mp4`]);
    expect(result.bytes).toBe(BODY.length);
    expect(seen.every((line) => line.endsWith(' '))).toBe(true);
    await expect(download(`${base}/gone.mp4`, join(dir, 'd.mp4'))).rejects.toThrow(/answered HTTP 404/);
  });
});
