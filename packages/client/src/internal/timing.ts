/** Abortable sleep, signal linking, backoff with jitter, and `Retry-After` parsing. */

/** Sleeps `ms`, rejecting with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter: attempt 1 → up to 0.5 s, 2 → 1 s, … capped at 8 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(8_000, 500 * 2 ** (attempt - 1)));
}

/** `Retry-After` as seconds: a number, or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(value.trim())) {
    return Number(value);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/**
 * Aborts `target` when `source` aborts (with its reason); returns the function that drops the
 * listener again, to call on every way out.
 */
export function follow(source: AbortSignal | undefined, target: AbortController): () => void {
  const onAbort = () => target.abort(source?.reason);
  if (source?.aborted) {
    onAbort();
  } else {
    source?.addEventListener('abort', onAbort, { once: true });
  }
  return () => source?.removeEventListener('abort', onAbort);
}
