/**
 * Who may use `/proxy`: only the playground page served by this same server. The page gets a random
 * token from `GET /__playground` (same origin, no CORS) and sends it in `X-Kling-Proxy-Token` on every
 * proxy call; a custom header also forces a CORS preflight, which `/proxy` never approves. Requests
 * a browser marks as coming from elsewhere (`Sec-Fetch-Site`, `Origin`) are refused before the token
 * is looked at, and so are requests addressed to a host name that is not this server's (a DNS
 * rebinding page would be "same-origin" under its own name).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { ResolvedOptions } from '../options';

/** The request header carrying the token (HTTP header names are case-insensitive). */
export const PROXY_TOKEN_HEADER = 'X-Kling-Proxy-Token';

const tokens = new WeakMap<object, string>();

/** The proxy token of one running app: random, made once per start, never logged. */
export function proxyTokenOf(app: object): string {
  let token = tokens.get(app);
  if (token === undefined) {
    token = randomBytes(32).toString('base64url');
    tokens.set(app, token);
  }
  return token;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether `given` is the token, in constant time (both sides hashed, so lengths leak nothing). */
export function tokenMatches(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/** The `Host` header as a URL with that host and nothing else, or undefined when it is not one. */
function hostUrl(host: string, protocol = 'http:'): URL | undefined {
  try {
    const url = new URL(`${protocol}//${host}`);
    const hostOnly = !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash;
    return hostOnly && url.host !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The host names this server answers proxy calls for: IP literals and `localhost` (no DNS, so no
 * rebinding), the `--host` name and the `--public-url` host.
 */
function isOwnHostname(hostname: string, options: ResolvedOptions): boolean {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) !== 0 || hostname === 'localhost' || hostname.endsWith('.localhost')) {
    return true;
  }
  let publicHostname: string | undefined;
  try {
    publicHostname = options.publicUrl ? new URL(options.publicUrl).hostname : undefined;
  } catch {
    publicHostname = undefined;
  }
  return [options.host.toLowerCase(), publicHostname].includes(hostname);
}

/**
 * Why a request does not come from a page of this server, or undefined when nothing says so.
 * Browsers always send `Sec-Fetch-Site` (and `Origin` on POST); other clients send neither and still
 * need the token.
 */
export function crossOriginProblem(
  headers: IncomingHttpHeaders,
  options: ResolvedOptions,
): string | undefined {
  const host = headers.host === undefined ? undefined : hostUrl(headers.host);
  if (!host || !isOwnHostname(host.hostname, options)) {
    return 'The proxy only answers requests addressed to this server by IP address, localhost, its --host name or its --public-url host';
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    const kind = site === 'same-site' || site === 'none' ? site : 'cross-site';
    return `The proxy only answers the playground page of this server, not a ${kind} request`;
  }
  if (headers.origin !== undefined) {
    let origin: URL | undefined;
    try {
      origin = new URL(headers.origin);
    } catch {
      origin = undefined;
    }
    // The Host header leaves out the default port of the page's scheme, as the Origin does.
    if (!origin || origin.host !== hostUrl(headers.host as string, origin.protocol)?.host) {
      return 'The proxy only answers the playground page of this server, not a page of another origin';
    }
  }
  return undefined;
}
