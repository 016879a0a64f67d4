/**
 * Who may use the admin API (`/__admin`). It can reset the mock, script faults and set balances,
 * so it takes no request that a web page on another site could send or read:
 * - no CORS at all (see `cross-origin.ts`), and a cross-site `Sec-Fetch-Site` or a foreign
 *   `Origin` is refused;
 * - POSTs must be `application/json`, which no cross-site form or no-cors fetch can send;
 * - `Host` must name loopback or the configured host, so a DNS-rebound name cannot reach it;
 * - with an admin token, `Authorization: Bearer <token>` is required (any Host is then fine);
 * - the mock's own callback deliveries are refused, so a callback can never loop through it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Request, RequestHandler, Response } from 'express';
import { DELIVERY_HEADER } from '../state/callbacks';
import { isLoopbackAddress } from '../state/outbound';

/** What the guard checks against. */
export interface AdminGuardOptions {
  /** The interface the mock listens on (`--host`). */
  host: string;
  /** The bearer token the admin API requires, if any. */
  token: string | undefined;
}

/** Whether a host name (without port) is a loopback name or address. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isLoopbackAddress(host));
}

/** The host name of a `Host` header value (`name:port`, `[v6]:port`), lower-cased. */
function hostnameOf(header: string | undefined): string | undefined {
  if (!header) {
    return undefined;
  }
  try {
    return new URL(`http://${header}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function deny(res: Response, status: number, msg: string): void {
  res.status(status).json({ code: status, msg, data: null });
}

function sameOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return false;
  }
  const origin = req.headers.origin;
  if (origin === undefined) {
    return true;
  }
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The checks every `/__admin` request goes through before its handler. */
export function adminGuard(options: AdminGuardOptions): RequestHandler {
  const configuredHost = options.host.replace(/^\[|\]$/g, '').toLowerCase();
  const token = options.token === undefined ? undefined : digest(options.token);
  return (req, res, next) => {
    if (req.headers[DELIVERY_HEADER.toLowerCase()] !== undefined) {
      deny(res, 403, "The admin API does not take the mock's own callback deliveries");
      return;
    }
    if (!sameOrigin(req)) {
      deny(res, 403, 'The admin API only answers requests from its own origin or outside a browser');
      return;
    }
    if (token) {
      const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '');
      if (!match || !timingSafeEqual(digest((match[1] as string).trim()), token)) {
        deny(res, 401, 'The admin API needs Authorization: Bearer <admin token>');
        return;
      }
    } else {
      const hostname = hostnameOf(req.headers.host);
      if (!hostname || !(isLoopbackHost(hostname) || hostname === configuredHost)) {
        deny(res, 403, 'The admin API only answers requests addressed to a loopback host');
        return;
      }
    }
    if (req.method === 'POST' && !req.is('application/json')) {
      deny(res, 415, 'Admin POST requests must have Content-Type: application/json');
      return;
    }
    next();
  };
}
