/**
 * Keeps API keys out of everything the drift tools write (stderr, `/__admin/violations`,
 * cassettes): the Authorization header is never copied, and every occurrence of a key inside a
 * string (bodies included, object keys too) becomes `[redacted]`.
 */

/** What replaces a key wherever it appears. */
export const REDACTED = '[redacted]';

/** The keys one exchange carries: the caller's bearer token and the proxy's own key. */
export function keysOf(authorization: string | undefined, proxyApiKey: string | undefined): string[] {
  const keys = new Set<string>();
  const bearer = authorization?.replace(/^\s*Bearer\s+/i, '').trim();
  for (const key of [bearer, authorization?.trim(), proxyApiKey?.trim()]) {
    if (key) {
      keys.add(key);
    }
  }
  // Longest first, so a key containing another is replaced whole.
  return [...keys].sort((a, b) => b.length - a.length);
}

/** `text` with every key replaced. */
export function redactText(text: string, keys: readonly string[]): string {
  let redacted = text;
  for (const key of keys) {
    redacted = redacted.split(key).join(REDACTED);
  }
  return redacted;
}

/** A deep copy of a JSON value with every key replaced in strings and property names. */
export function redactValue<T>(value: T, keys: readonly string[]): T {
  if (keys.length === 0) {
    return value;
  }
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return redactText(node, keys);
    }
    if (Array.isArray(node)) {
      return node.map(walk);
    }
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node as Record<string, unknown>).map(([name, child]) => [
          redactText(name, keys),
          walk(child),
        ]),
      );
    }
    return node;
  };
  return walk(value) as T;
}

/** One printable line: control characters escaped, so an upstream cannot forge log lines. */
export function printable(text: string): string {
  let line = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const control = code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
    line += control ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return line;
}
