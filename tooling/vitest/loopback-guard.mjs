/**
 * The loopback-only network guard: once imported, every TCP connection this process tries to open
 * must go to 127.0.0.0/8 or ::1 (or a Unix socket). Any other address, and any host name other
 * than `localhost`, fails at once with `ELOOPBACKONLY` before a packet leaves (no DNS query either),
 * and is reported on stderr and in `loopbackViolations()`.
 *
 * Tests import it through `setup.mjs`; child processes get it through `NODE_OPTIONS=--import`.
 * It patches `net.Socket.prototype.connect`, the one door of `http`, `https`, `tls` and undici
 * (`fetch`).
 */
import { lookup as dnsLookup } from 'node:dns';
import net from 'node:net';

const INSTALLED = Symbol.for('kling-kit.loopback-guard');
const violations = [];

/** Whether an IP address (v4, v6, or v4-mapped v6) is on loopback. */
export function isLoopbackAddress(address) {
  const host = String(address)
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (net.isIPv4(host)) {
    return host.startsWith('127.');
  }
  if (net.isIPv6(host)) {
    if (host === '::1' || host === '0:0:0:0:0:0:0:1') {
      return true;
    }
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    return mapped ? mapped[1].startsWith('127.') : false;
  }
  return false;
}

const isLoopbackName = (host) => host === 'localhost' || host.endsWith('.localhost');

/** The connections refused so far in this process. */
export function loopbackViolations() {
  return [...violations];
}

function refuse(socket, target) {
  const error = Object.assign(
    new Error(
      `loopback-only: a test tried to connect to ${target}; tests may only reach 127.0.0.0/8 and ::1`,
    ),
    { code: 'ELOOPBACKONLY' },
  );
  violations.push(target);
  process.stderr.write(`${error.message}\n`);
  process.nextTick(() => socket.destroy(error));
  return socket;
}

/** A `lookup` that resolves `localhost` names and refuses any answer off loopback. */
function loopbackLookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'object' && options !== null ? options : {};
  dnsLookup(hostname, { ...opts, all: true }, (error, addresses) => {
    if (error) {
      done(error);
      return;
    }
    const outside = addresses.find((entry) => !isLoopbackAddress(entry.address));
    if (outside) {
      violations.push(`${hostname} (${outside.address})`);
      done(
        Object.assign(new Error(`loopback-only: ${hostname} resolved to ${outside.address}`), {
          code: 'ELOOPBACKONLY',
        }),
      );
      return;
    }
    if (opts.all) {
      done(null, addresses);
    } else {
      done(null, addresses[0].address, addresses[0].family);
    }
  });
}

if (!globalThis[INSTALLED]) {
  globalThis[INSTALLED] = true;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    // net.connect() passes its normalised [options, callback] array as the first argument.
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options =
      typeof first === 'object' && first !== null
        ? first
        : typeof first === 'number' || /^\d+$/.test(String(first))
          ? { port: first, host: typeof args[1] === 'string' ? args[1] : undefined }
          : { path: first };
    if (options.path !== undefined && options.port === undefined) {
      return connect.apply(this, args); // a Unix socket or named pipe: local by nature
    }
    const host = String(options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    if (net.isIP(host)) {
      return isLoopbackAddress(host) ? connect.apply(this, args) : refuse(this, `${host}:${options.port}`);
    }
    if (!isLoopbackName(host.toLowerCase())) {
      return refuse(this, `${host}:${options.port}`);
    }
    options.lookup = loopbackLookup;
    return connect.apply(this, args);
  };
}
