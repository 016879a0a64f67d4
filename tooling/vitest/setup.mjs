/**
 * Vitest setup shared by every package (`setupFiles`): installs the loopback-only guard in the test
 * process and in every Node child process it spawns (`NODE_OPTIONS=--import`), and fails the test
 * file when anything in it tried to leave loopback.
 */
import { fileURLToPath, URL as NodeURL } from 'node:url';
import { afterAll, expect } from 'vitest';
import { loopbackViolations } from './loopback-guard.mjs';

// node:url's URL: a DOM environment (happy-dom) replaces the global one.
const guard = fileURLToPath(new NodeURL('./loopback-guard.mjs', import.meta.url));
const flag = `--import=${guard}`;
if (!(process.env.NODE_OPTIONS ?? '').includes(flag)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${flag}`.trim();
}

const before = loopbackViolations().length;
afterAll(() => {
  expect(loopbackViolations().slice(before), 'connections attempted outside loopback').toEqual([]);
});
