/**
 * Where the mock may connect to on its own: callback deliveries and URL uploads. Every connection
 * is checked against an address rule at connect time, on the address actually dialled (after DNS,
 * so a name that resolves somewhere else is caught too), and on every redirect hop. A refused
 * address fails like any unreachable one, so answers never tell which addresses exist.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, isIPv4, isIPv6 } from 'node:net';

/**
 * Decides whether the mock may connect to an IP address (v4 or v6, no brackets). With
 * `localNamesOnly`, host names other than `localhost` are refused before any DNS query (a query
 * is traffic too).
 */
export type AddressRule = ((address: string) => boolean) & { readonly localNamesOnly?: boolean };

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIPv4(host)) {
    return host.startsWith('127.');
  }
  if (!isIPv6(host)) {
    return false;
  }
  if (host === '::1') {
    return true;
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  return mapped !== null && (mapped[1] as string).startsWith('127.');
}

/** Loopback only, names included: `localhost` and `*.localhost`, nothing that needs DNS. */
export const loopbackOnly: AddressRule = Object.assign((address: string) => isLoopbackAddress(address), {
  localNamesOnly: true,
});

/** Any address at all (`--allow-external-fetch`, callbacks without `--loopback-only`). */
export const anyAddress: AddressRule = () => true;

/** Thrown (as a connection error) when the rule refuses the address a URL leads to. */
export class ForbiddenAddressError extends Error {
  override name = 'ForbiddenAddressError';
  readonly code = 'EFORBIDDENADDRESS';
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for `http.request` that only resolves to addresses the rule allows. */
export function guardedLookup(rule: AddressRule) {
  return (hostname: string, options: { all?: boolean } & object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      if (addresses.length === 0 || addresses.some((entry) => !rule(entry.address))) {
        callback(new ForbiddenAddressError(`refused address for ${hostname}`), []);
        return;
      }
      const [first] = addresses as [LookupAddress];
      if (options.all) {
        callback(null, addresses);
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}

/** Request options that make `http(s).request` dial only addresses the rule allows. */
export function guardedRequestOptions(url: URL, rule: AddressRule): Pick<RequestOptions, 'lookup'> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Node skips `lookup` for an IP literal, so a literal is checked here.
  if (isIP(host) ? !rule(host) : rule.localNamesOnly && !/(^|\.)localhost$/i.test(host)) {
    throw new ForbiddenAddressError(`refused address ${host}`);
  }
  return { lookup: guardedLookup(rule) as RequestOptions['lookup'] };
}

/** The answer of `guardedGet`: status, headers, and the body still to read. */
export interface GuardedResponse {
  readonly status: number;
  readonly contentLength: number | undefined;
  readonly body: IncomingMessage;
}

/** Why a guarded download failed; the message is the same for every reason on purpose. */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(readonly reason: 'refused' | 'unreachable' | 'redirects' | 'timeout' | 'status') {
    super('download failed');
  }
}

/**
 * GETs a URL, following up to `maxRedirects` redirects itself, each hop checked by `rule` at
 * connect time. Resolves with a 2xx answer whose body is still to read; rejects with DownloadError.
 */
export async function guardedGet(
  start: URL,
  options: {
    rule: AddressRule;
    signal: AbortSignal;
    maxRedirects?: number;
    headers?: Record<string, string>;
  },
): Promise<GuardedResponse> {
  let url = start;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new DownloadError('refused');
    }
    const response = await getOnce(url, options);
    const location = response.headers.location;
    if (
      response.statusCode !== undefined &&
      response.statusCode >= 300 &&
      response.statusCode < 400 &&
      location
    ) {
      response.resume();
      try {
        url = new URL(location, url);
      } catch {
        throw new DownloadError('unreachable');
      }
      continue;
    }
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      response.resume();
      throw new DownloadError('status');
    }
    const length = Number(response.headers['content-length']);
    return { status, contentLength: Number.isFinite(length) ? length : undefined, body: response };
  }
  throw new DownloadError('redirects');
}

function getOnce(
  url: URL,
  options: { rule: AddressRule; signal: AbortSignal; headers?: Record<string, string> },
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let guard: Pick<RequestOptions, 'lookup'>;
    try {
      guard = guardedRequestOptions(url, options.rule);
    } catch {
      reject(new DownloadError('refused'));
      return;
    }
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      signal: options.signal,
      headers: { 'User-Agent': 'kling-kit-mock/1', ...options.headers },
      ...guard,
    });
    request.on('response', resolve);
    request.on('error', (error: Error) => {
      reject(
        new DownloadError(
          error instanceof ForbiddenAddressError
            ? 'refused'
            : options.signal.aborted
              ? 'timeout'
              : 'unreachable',
        ),
      );
    });
    request.end();
  });
}
