/**
 * The servers the benchmarks compare, each started as its own process on 127.0.0.1 through the
 * harness, and the requests they all answer: kling-mock (the built CLI), bare Express 5 (the same
 * routes without validation or state), Stoplight Prism 5.14.2 on the same spec, and a callback sink.
 * Every request body comes from the spec's own examples.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spec } from '@kling-kit/contract';
import { freePort, listeningUrl, spawnServer } from './harness.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const server = (name) => fileURLToPath(new URL(`./servers/${name}`, import.meta.url));
export const MOCK_CLI = `${root}apps/mock-server/dist/cli.js`;
export const PRISM_VERSION = '5.14.2';
const prismDir = fileURLToPath(new URL('../.prism/', import.meta.url));
const prismBin = `${prismDir}node_modules/.bin/prism`;

export const API_KEY = 'bench-key';
const AUTH = { authorization: `Bearer ${API_KEY}` };
/** Where every server is first answered: an operation all three serve. */
const READY_PATH = '/api/v1/chat/credit';

const createTaskBody = spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'];
const recordInfoAnswer =
  spec.paths['/api/v1/jobs/recordInfo'].get.responses['200'].content['application/json'];
const creditAnswer = spec.paths[READY_PATH].get.responses['200'].content['application/json'];
/** The spec's seed createTask example, verbatim (kie.ai's own page). */
export const SEED_BODY = createTaskBody.examples.seed.value;
/** The spec's finished-task record, as bare Express answers recordInfo (and Prism, for its example id). */
const SUCCESS_RECORD = recordInfoAnswer.examples.success.value;

/** The seed body with its callBackUrl pointed at `callBackUrl` (loopback), or removed when null. */
export function seedBody(callBackUrl) {
  const { callBackUrl: _external, ...rest } = SEED_BODY;
  return callBackUrl ? { ...rest, callBackUrl } : rest;
}

/** The autocannon requests measured: createTask (without and with a loopback callBackUrl) and recordInfo. */
export function operations({ sinkUrl, taskId = SUCCESS_RECORD.data.taskId } = {}) {
  const create = (callBackUrl) => ({
    method: 'POST',
    path: '/api/v1/jobs/createTask',
    headers: { 'content-type': 'application/json', ...AUTH },
    body: JSON.stringify(seedBody(callBackUrl)),
  });
  return {
    createTask: create(null),
    ...(sinkUrl ? { createTaskCallback: create(`${sinkUrl}/callback`) } : {}),
    recordInfo: { method: 'GET', path: `/api/v1/jobs/recordInfo?taskId=${taskId}`, headers: AUTH },
  };
}

/** kling-mock's CLI, fast timing, no rate limit and endless credits, so loads are never answered 429/402. */
export function startMock() {
  if (!existsSync(MOCK_CLI)) {
    throw new Error('apps/mock-server/dist/cli.js is missing: run `pnpm build` (pnpm bench does) first');
  }
  return spawnServer({
    name: 'kling-mock',
    args: [
      MOCK_CLI,
      '--port',
      '0',
      '--quiet',
      '--timing',
      'fast',
      '--no-rate-limit',
      '--credits',
      '1000000000000',
      // Callbacks and URL uploads may only reach loopback: a benchmark never leaves this machine.
      '--loopback-only',
    ],
    url: listeningUrl,
    readyPath: READY_PATH,
    headers: AUTH,
  });
}

/** Bare Express 5 (the mock's own copy) with the same routes and answers, no validation, no state. */
export function startBare() {
  return spawnServer({
    name: 'bare Express',
    args: [server('bare-express.mjs')],
    env: {
      BENCH_RECORD: JSON.stringify(SUCCESS_RECORD),
      BENCH_CREDITS: JSON.stringify(creditAnswer.examples.balance.value),
    },
    url: listeningUrl,
    readyPath: READY_PATH,
  });
}

/** Installs Prism with npm into bench/.prism on first use (pnpm pulls sub-packages that need Node 24). */
export function ensurePrism() {
  if (existsSync(prismBin)) {
    return;
  }
  const result = spawnSync(
    'npm',
    ['i', '--no-audit', '--no-fund', '--prefix', prismDir, `@stoplight/prism-cli@${PRISM_VERSION}`],
    { stdio: 'ignore' },
  );
  if (result.status !== 0) {
    throw new Error(`npm could not install @stoplight/prism-cli@${PRISM_VERSION}`);
  }
}

/** Prism mocking spec/kling.yaml in its fastest mode (`prism mock -m -v error`): static examples, no state. */
export async function startPrism() {
  ensurePrism();
  const port = await freePort();
  return spawnServer({
    name: 'Prism',
    command: prismBin,
    args: ['mock', '-m', '-v', 'error', '-h', '127.0.0.1', '-p', String(port), `${root}spec/kling.yaml`],
    url: `http://127.0.0.1:${port}`,
    readyPath: READY_PATH,
    headers: AUTH,
  });
}

/** The callback receiver the mock delivers to. */
export function startSink() {
  return spawnServer({
    name: 'callback sink',
    args: [server('callback-sink.mjs')],
    url: listeningUrl,
    readyPath: '/',
  });
}

/** The launchers by name, in the order the tables list them. */
export const LAUNCHERS = { mock: startMock, bare: startBare, prism: startPrism };
