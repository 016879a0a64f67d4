/**
 * Where the playground sends its calls: the mock serving the page (same origin, a placeholder key),
 * the real kie.ai through the server's proxy (`kling-mock --proxy`), or another base URL.
 */
import { createKlingClient, type KlingClient, KlingError, type PollDelay } from '@kling-kit/client';

/** The connection choices. */
export type Target = 'mock' | 'proxy' | 'custom';

/** The mock accepts any non-empty key; this one is not a secret and may be printed. */
export const MOCK_KEY = 'mock-key';

/** What `GET /__playground` tells the page (see the mock server). */
export interface ServerConfig {
  proxyTarget: string | null;
  proxyHasKey: boolean;
  /** Sent on every proxy call to prove the call comes from this page; random per server start. */
  proxyToken?: string;
}

/** The header the mock's proxy reads the token from (`apps/mock-server/src/http/proxy-guard.ts`). */
export const PROXY_TOKEN_HEADER = 'X-Kling-Proxy-Token';

/** A `fetch` for the client that adds the proxy token to every request (same origin only: the proxy). */
export function withProxyToken(
  token: string,
  send: (request: Request) => Promise<Response> = (request) => fetch(request),
): (request: Request) => Promise<Response> {
  return (request) => {
    request.headers.set(PROXY_TOKEN_HEADER, token);
    return send(request);
  };
}

/** The connection the user chose. */
export interface Connection {
  target: Target;
  /** Only used for the `custom` target. */
  customUrl: string;
  /** Held in React state only: never written to storage. */
  apiKey: string;
}

/** The base URL the client calls for a connection, given the page's origin. */
export function baseUrlOf(connection: Connection, origin: string): string {
  if (connection.target === 'mock') {
    return origin;
  }
  if (connection.target === 'proxy') {
    return `${origin}/proxy`;
  }
  return connection.customUrl.trim().replace(/\/+$/, '');
}

/** Whether the key in use is a real one (anything but the mock's placeholder on the mock). */
export function usesRealKey(connection: Connection): boolean {
  return connection.target !== 'mock';
}

/** The mock finishes in seconds: poll it often so every state shows; kie.ai gets the client's schedule. */
export const MOCK_POLL_DELAY: PollDelay = () => 400;

/**
 * A client for the connection; throws `KlingError` (no key, or kie.ai called directly from the page).
 * Through the proxy it sends `proxyToken`, which only ever goes to this page's own origin.
 */
export function clientFor(
  connection: Connection,
  origin: string,
  serverKey: boolean,
  proxyToken?: string,
): KlingClient {
  const baseUrl = baseUrlOf(connection, origin);
  if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
    throw new KlingError('Enter the http(s) base URL of a kie.ai-compatible server');
  }
  // With a server-side key the proxy replaces whatever the page sends.
  const apiKey = connection.apiKey.trim() || (connection.target === 'proxy' && serverKey ? 'server-key' : '');
  return createKlingClient({
    apiKey,
    baseUrl,
    maxRetries: 1,
    ...(connection.target === 'proxy' && proxyToken ? { fetch: withProxyToken(proxyToken) } : {}),
  });
}
