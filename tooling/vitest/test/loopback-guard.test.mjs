/**
 * The guard is tested in child processes whose real `connect` is replaced by a recorder before the
 * guard loads: a refused address never reaches the recorder, so no test here can send a packet
 * anywhere, even if the guard were broken.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../loopback-guard.mjs';

const guard = fileURLToPath(new URL('../loopback-guard.mjs', import.meta.url));

/** Runs `attempt` (JS source using `net`, `http`, `fetch`) with a recording connect; returns what was seen. */
function probe(attempt) {
  const script = `
    import net from 'node:net';
    import http from 'node:http';
    const reached = [];
    net.Socket.prototype.connect = function (...args) {
      const first = Array.isArray(args[0]) ? args[0][0] : args[0];
      reached.push(typeof first === 'object' ? (first.host ?? 'localhost') : String(args[1] ?? first));
      process.nextTick(() => this.destroy(Object.assign(new Error('recorded'), { code: 'RECORDED' })));
      return this;
    };
    await import(${JSON.stringify(guard)});
    const errors = [];
    const settle = (promise) => promise.then(() => errors.push('ok'), (e) => errors.push(e.cause?.code ?? e.code));
    ${attempt}
    await new Promise((r) => setTimeout(r, 50));
    process.stdout.write(JSON.stringify({ reached, errors }));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(output);
}

describe('loopback guard', () => {
  it('knows loopback addresses', () => {
    for (const address of ['127.0.0.1', '127.9.8.7', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
    for (const address of [
      '10.0.0.1',
      '192.168.1.1',
      '0.0.0.0',
      '::',
      '::ffff:10.0.0.1',
      'fe80::1',
      'localhost',
    ]) {
      expect(isLoopbackAddress(address), address).toBe(false);
    }
  });

  it('refuses other addresses and host names before connecting, through net, http and fetch', () => {
    const { reached, errors } = probe(`
      await settle(new Promise((resolve, reject) => net.connect(80, '192.0.2.1').on('error', reject).on('connect', resolve)));
      await settle(new Promise((resolve, reject) => net.connect({ host: '::ffff:10.1.2.3', port: 80 }).on('error', reject)));
      await settle(new Promise((resolve, reject) => http.get('http://your-domain.com/api/callback', resolve).on('error', reject)));
      await settle(fetch('https://198.51.100.7/x'));
      await settle(fetch('http://[2001:db8::1]:8080/'));
    `);
    expect(reached).toEqual([]);
    expect(errors).toEqual([
      'ELOOPBACKONLY',
      'ELOOPBACKONLY',
      'ELOOPBACKONLY',
      'ELOOPBACKONLY',
      'ELOOPBACKONLY',
    ]);
  });

  it('lets loopback through, by address and by localhost', () => {
    const { reached, errors } = probe(`
      await settle(new Promise((resolve, reject) => net.connect(9, '127.0.0.1').on('error', reject)));
      await settle(new Promise((resolve, reject) => net.connect({ host: '::1', port: 9 }).on('error', reject)));
      await settle(fetch('http://localhost:65000/'));
    `);
    expect(reached).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect(errors).toEqual(['RECORDED', 'RECORDED', 'RECORDED']);
  });
});
