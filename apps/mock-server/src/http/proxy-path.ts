/**
 * Which operation a `/proxy/…` request asks for. The proxy forwards the operations of the spec and
 * nothing else: the raw request target is decoded once and checked (no dot segments, encoded
 * slashes, backslashes or empty segments), then method and path must match the contract's operation
 * table exactly. The upstream URL is built from the table's path and the spec's query parameters,
 * never from the raw request, so nothing the caller writes can steer it elsewhere.
 */
import { findOperation, OPERATIONS, type Operation, spec } from '@kling-kit/contract';

/** The proxied form of an operation: the table's entry and the query string to send, `?…` or ''. */
export interface ProxiedCall {
  operation: Operation;
  query: string;
}

interface SpecOperation {
  parameters?: readonly { name: string; in: string }[];
}

/** The query parameters each operation declares in the spec (recordInfo: `taskId`). */
const QUERY_PARAMETERS: ReadonlyMap<string, readonly string[]> = new Map(
  OPERATIONS.map((operation) => {
    const paths = spec.paths as unknown as Record<string, Record<string, SpecOperation | undefined>>;
    const declared = paths[operation.path]?.[operation.method.toLowerCase()]?.parameters ?? [];
    return [operation.operationId, declared.filter((p) => p.in === 'query').map((p) => p.name)];
  }),
);

/** The decoded path after `/proxy`, or undefined when it is not a plain path. */
function decodedPath(rawPath: string): string | undefined {
  // Encoded slashes and backslashes would become separators on the way; a backslash is one for some servers.
  if (/%2f|%5c|\\/i.test(rawPath)) {
    return undefined;
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  // Decoded once: a `%` left over was encoded twice (anything else is left to the exact match below).
  if (!path.startsWith('/') || /[%\\]/.test(path)) {
    return undefined;
  }
  const segments = path.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return undefined;
  }
  return path;
}

/**
 * The operation a request to the proxy names, or undefined: `rawUrl` is the request target as
 * received (`req.originalUrl`), e.g. `/proxy/api/v1/jobs/recordInfo?taskId=abc`.
 */
export function proxiedCall(method: string, rawUrl: string): ProxiedCall | undefined {
  const match = /^\/proxy(\/[^?#]*)(?:\?([^#]*))?(?:#.*)?$/i.exec(rawUrl);
  const rawPath = match?.[1];
  if (rawPath === undefined) {
    return undefined;
  }
  const path = decodedPath(rawPath);
  const operation = path === undefined ? undefined : findOperation(method, path);
  if (!operation) {
    return undefined;
  }
  const names = QUERY_PARAMETERS.get(operation.operationId) ?? [];
  const given = new URLSearchParams(match?.[2] ?? '');
  const query = new URLSearchParams();
  for (const name of names) {
    const value = given.get(name);
    if (value !== null) {
      query.set(name, value);
    }
  }
  const serialised = query.toString();
  return { operation, query: serialised ? `?${serialised}` : '' };
}
