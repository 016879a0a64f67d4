/**
 * Entry for server runtimes (Node, Bun, Deno): `server-runtime.mjs <mockUrl> <hmacKey> <apiKey>`
 * runs the smoke test against the mock and prints one JSON line; exit code 0 on success. Arguments,
 * not environment variables, so Deno runs with network and read permissions only.
 */
import { openReceiver } from './node-receiver.mjs';
import { smoke } from './smoke.mjs';

const [mockUrl, hmacKey, apiKey] = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
const runtime = globalThis.Deno
  ? `deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${globalThis.Bun.version}`
    : `node ${globalThis.process.versions.node}`;

const callbacks = await openReceiver();
try {
  const result = await smoke({ mockUrl, hmacKey, apiKey, callbacks });
  console.info(JSON.stringify({ ok: true, runtime, ...result }));
} catch (error) {
  console.error(JSON.stringify({ ok: false, runtime, error: String(error?.stack ?? error) }));
  if (globalThis.Deno) {
    globalThis.Deno.exitCode = 1;
  } else {
    globalThis.process.exitCode = 1;
  }
} finally {
  await callbacks.close();
}
