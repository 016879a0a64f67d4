/**
 * Keeps the API key out of every error the client hands over. An injected fetch may quote the
 * request (headers included) in its error's message, stack, causes or any property: such an error
 * is copied with the key masked before the client wraps, reports or rethrows it.
 */

/** Returns a function that masks `secret` in a value, returning the value itself when it holds none. */
export function redactor(secret: string): <T>(value: T) => T {
  const copy = (value: unknown, copies: Map<object, unknown>): unknown => {
    if (typeof value === 'string') {
      return value.split(secret).join('[redacted]');
    }
    if (!value || typeof value !== 'object') {
      return value;
    }
    if (copies.has(value)) {
      return copies.get(value);
    }
    const proto = Object.getPrototypeOf(value);
    const isError = value instanceof Error;
    if (!(isError || Array.isArray(value) || proto === Object.prototype || !proto)) {
      // A Request, Headers or Map keeps the key in slots no copy can reach: only its tag is kept.
      return Object.prototype.toString.call(value);
    }
    const clone = Array.isArray(value) ? [] : Object.create(proto);
    copies.set(value, clone);
    let changed = false;
    // V8 keeps `message` and `stack` own, but a DOMException's come from its prototype.
    for (const key of new Set([
      ...(isError ? ['name', 'message', 'stack'] : []),
      ...Reflect.ownKeys(value),
    ])) {
      let before: unknown;
      try {
        before = (value as Record<PropertyKey, unknown>)[key];
      } catch {
        // a throwing getter shows nothing either
      }
      const after = copy(before, copies);
      changed ||= after !== before;
      Object.defineProperty(clone, key, {
        value: after,
        writable: true,
        enumerable: Object.getOwnPropertyDescriptor(value, key)?.enumerable,
        configurable: key !== 'length',
      });
    }
    if (!changed) {
      copies.set(value, value);
    }
    return changed ? clone : value;
  };
  return <T>(value: T): T => copy(value, new Map()) as T;
}
