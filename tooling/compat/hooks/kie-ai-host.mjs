/**
 * A Node `--import` hook for clients that write kie.ai's host into their code: every `fetch` to
 * `https://api.kie.ai` goes to the origin in `KIE_AI_COMPAT_TARGET` instead (e.g. a kling-mock on
 * loopback), with the same path, query, method, headers and body. Nothing else is touched.
 *
 *   KIE_AI_COMPAT_TARGET=http://127.0.0.1:4010 node --import ./hooks/kie-ai-host.mjs client.js
 */
const KIE_AI_ORIGIN = 'https://api.kie.ai';
const target = process.env.KIE_AI_COMPAT_TARGET;
if (!target) {
  throw new Error(
    'kie-ai-host hook: set KIE_AI_COMPAT_TARGET to the origin that replaces https://api.kie.ai',
  );
}
const targetOrigin = new URL(target).origin;

/** The URL with kie.ai's origin replaced by the target's, or undefined when it is another host. */
function rewrite(url) {
  const parsed = new URL(url);
  if (parsed.origin !== KIE_AI_ORIGIN) {
    return undefined;
  }
  return `${targetOrigin}${parsed.pathname}${parsed.search}`;
}

const originalFetch = globalThis.fetch;
globalThis.fetch = function kieAiHostFetch(input, init) {
  if (input instanceof Request) {
    const url = rewrite(input.url);
    return originalFetch(url ? new Request(url, input) : input, init);
  }
  const url = rewrite(String(input));
  return originalFetch(url ?? input, init);
};
