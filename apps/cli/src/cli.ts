#!/usr/bin/env node
/** `kling`: runs the command line and exits with its code. */
import { setFlagsFromString } from 'node:v8';
import { run } from './run';

// The only WebAssembly this process runs is the HTTP parser of Node's fetch (undici), for kie.ai's
// small JSON answers. V8 would optimise it again in a background thread once it is warm, which takes
// a core from a download running at the same moment (a third slower on two cores, `pnpm bench`):
// its baseline code is plenty for a few kilobytes of JSON. Only the `kling` process is affected;
// `run()` used as a library leaves its host's flags alone.
setFlagsFromString('--liftoff-only');

// A closed pipe (`kling … | head -1`) must not crash a run that may still be saving a paid result:
// the output is lost, the work goes on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') {
      throw error;
    }
  });
}

run(process.argv.slice(2))
  .catch((error: unknown) => {
    process.stderr.write(
      `kling: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  })
  .then((code) => {
    process.exitCode = code;
    // Exit even if a library left a socket or timer behind: an unref'd timer fires only if something does.
    setTimeout(() => process.exit(code), 1_000).unref();
  });
