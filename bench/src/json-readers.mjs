/**
 * JSON body readers, in-process: the mock's own reader (apps/mock-server/src/http/json-body.ts,
 * bundled from source with esbuild) against `express.json()` (the mock's copy of Express) set up as a
 * drop-in replacement would be: the same limit, no inflation (a Content-Encoding is refused), any JSON
 * value (the routes answer "must be an object"), and the same depth check (json-depth.ts) in `verify`,
 * which also refuses an empty body as not JSON. The Content-Type check both would share is left out of
 * the express.json() arm, which only favours it.
 *
 * Each request is a real `http.IncomingMessage` holding the whole body, timed from the reader's call
 * to its `next()`. Per round every reader reads `count` requests, one after the other in turn (hand,
 * express.json(), and the hand reader again as an A/A control that gives the noise); a round's figure
 * is the median per reader, and its ratio express.json() / hand. A reader wins by more than noise when
 * every round's ratio lies beyond the whole range of the A/A ratios.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { fmt, pct, row } from './format.mjs';
import { median } from './harness.mjs';
import { SEED_BODY } from './servers.mjs';

const HTTP_DIR = fileURLToPath(new URL('../../apps/mock-server/src/http/', import.meta.url));
const express = createRequire(import.meta.resolve('@kling-kit/mock-server'))('express');
/** The createTask limit the mock reads bodies with (1 MB). */
const LIMIT = 1024 * 1024;

/** The mock's json-body.ts and json-depth.ts, bundled from source (with what they import) and loaded. */
async function loadMockReader() {
  const result = await build({
    stdin: {
      contents: "export { jsonBody } from './json-body'; export { nestsDeeperThan } from './json-depth';",
      resolveDir: HTTP_DIR,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'kling-bench-'));
  try {
    const file = join(dir, 'json-body.mjs');
    writeFileSync(file, result.outputFiles[0].contents);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The two readers, each a `(req, res, next)` middleware that leaves the parsed body on `req.body`. */
export async function readers() {
  const { jsonBody, nestsDeeperThan } = await loadMockReader();
  const state = { settings: { httpStatusMirror: false } };
  const refuse = (message) => Object.assign(new Error(message), { type: 'entity.parse.failed' });
  return {
    hand: () => jsonBody(state, 'createTask', LIMIT),
    express: () =>
      express.json({
        limit: LIMIT,
        inflate: false,
        strict: false,
        type: () => true,
        verify: (_req, _res, buffer) => {
          if (buffer.length === 0 || nestsDeeperThan(buffer.toString('utf8'))) {
            throw refuse('Request body is not valid JSON');
          }
        },
      }),
  };
}

/** A request as Node's HTTP server hands it over, its body already received (in 64 kB chunks). */
function request(body) {
  const socket = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() });
  const req = new IncomingMessage(socket);
  req.method = 'POST';
  req.headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
  for (let offset = 0; offset < body.length; offset += 65_536) {
    req.push(body.subarray(offset, offset + 65_536));
  }
  req.push(null);
  return req;
}

/** One request through one reader: the milliseconds from its call to its `next()`, and the value it read. */
export function readOnce(reader, body) {
  const req = request(body);
  const res = { locals: {} };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    reader(req, res, (error) => {
      const ms = performance.now() - started;
      if (error || req.body === undefined) {
        reject(error ?? new Error('the reader left no body'));
      } else {
        resolve({ ms, value: req.body });
      }
    });
  });
}

/** The bodies read: the spec's seed createTask example and a ~100 kB base64 upload. */
export function bodies() {
  const pixels = Buffer.alloc(75_000, 0x5a).toString('base64');
  return [
    { name: 'seed createTask body', body: Buffer.from(JSON.stringify(SEED_BODY)), count: 3_000 },
    {
      name: '100 kB body (base64 upload)',
      body: Buffer.from(
        JSON.stringify({
          base64Data: `data:image/png;base64,${pixels}`,
          uploadPath: 'bench',
          fileName: 'a.png',
        }),
      ),
      count: 300,
    },
  ];
}

/** Interleaved rounds per body; per round the median µs per reader and the ratios. */
export async function jsonReaders({ rounds = 10 } = {}) {
  const make = await readers();
  const arms = { hand: make.hand(), express: make.express(), control: make.hand() };
  const results = [];
  for (const { name, body, count } of bodies()) {
    for (let i = 0; i < count / 2; i++) {
      for (const reader of Object.values(arms)) {
        await readOnce(reader, body);
      }
    }
    const perRound = [];
    for (let round = 0; round < rounds; round++) {
      const times = { hand: [], express: [], control: [] };
      for (let i = 0; i < count; i++) {
        const order = i % 2 ? ['express', 'control', 'hand'] : ['hand', 'control', 'express'];
        for (const arm of order) {
          times[arm].push((await readOnce(arms[arm], body)).ms);
        }
      }
      const us = Object.fromEntries(
        Object.entries(times).map(([arm, values]) => [arm, median(values) * 1000]),
      );
      perRound.push({ ...us, ratio: us.express / us.hand, control: us.control / us.hand });
    }
    const ratios = perRound.map((round) => round.ratio);
    const controls = perRound.map((round) => round.control);
    const noise = { low: Math.min(...controls), high: Math.max(...controls) };
    const verdict =
      Math.min(...ratios) > noise.high ? 'hand' : Math.max(...ratios) < noise.low ? 'express' : 'tie';
    results.push({
      name,
      bytes: body.length,
      handUs: median(perRound.map((round) => round.hand)),
      expressUs: median(perRound.map((round) => round.express)),
      ratio: median(ratios),
      range: { low: Math.min(...ratios), high: Math.max(...ratios) },
      noise,
      verdict,
    });
  }
  return { rounds, results };
}

/** The results.md section and summary row of the JSON readers, with the mock's createTask req/s for scale. */
export function jsonSection(readers, createTaskRps) {
  const seed = readers.results[0];
  const perRequestUs = 1e6 / createTaskRps;
  const handWins = readers.results.some((entry) => entry.verdict === 'hand');
  const expressWins = readers.results.some((entry) => entry.verdict === 'express');
  const decision =
    handWins && !expressWins
      ? 'The hand reader wins by more than noise: the mock keeps it (apps/mock-server/src/http/json-body.ts).'
      : expressWins && !handWins
        ? 'express.json() is faster by more than noise: the mock should use it.'
        : 'Neither reader wins by more than noise on every body: the mock should use express.json().';
  const said = { hand: 'hand reader faster', express: 'express.json() faster', tie: 'within noise' };
  return {
    summary: [
      row('7. JSON body, seed createTask: express.json() / hand reader', `${fmt(seed.ratio, 2)}×`, '—', null),
    ],
    lines: [
      "## 7. JSON body readers: the mock's hand reader vs express.json() (in-process microbenchmark)",
      '',
      "Both readers in one process, on real `http.IncomingMessage`s holding the whole body: the mock's " +
        "`json-body.ts` (bundled from source) and `express.json()` (the mock's Express) set up as its drop-in " +
        'replacement (same limit, no inflation, any JSON value, the same `json-depth.ts` check in `verify`). ' +
        `${readers.rounds} rounds; in each, every reader reads the body in turn, the hand reader twice (A/A control: ` +
        'the noise). Time: from the call to `next()`, median per round.',
      '',
      '| body | bytes | hand reader | express.json() | express.json() / hand (median; range) | A/A control range | verdict |',
      '|---|--:|--:|--:|--:|--:|---|',
      ...readers.results.map(
        (entry) =>
          `| ${entry.name} | ${fmt(entry.bytes)} | ${fmt(entry.handUs, 1)} µs | ${fmt(entry.expressUs, 1)} µs | ` +
          `**${fmt(entry.ratio, 2)}×**; ${fmt(entry.range.low, 2)}–${fmt(entry.range.high, 2)} | ` +
          `${fmt(entry.noise.low, 3)}–${fmt(entry.noise.high, 3)} | ${said[entry.verdict]} |`,
      ),
      '',
      `${decision} On the seed body the difference is ${fmt(seed.expressUs - seed.handUs, 1)} µs per request, ` +
        `${pct((seed.expressUs - seed.handUs) / perRequestUs, 1)} of the ${fmt(perRequestUs)} µs each createTask takes ` +
        'at the throughput of §4. Both answer every problem (wrong Content-Type or charset, Content-Encoding, ' +
        "malformed JSON, too large, too deep) in the API's envelope; the mock's tests pin the codes.",
    ],
  };
}
