/**
 * Reads the cassettes of `--replay DIR` as hostile input: only regular `*.json` files directly in
 * DIR are opened (no symlinks, nothing below or outside DIR), each at most 64 MB; a file or an
 * exchange that is not a valid recording is skipped with a warning, never a crash.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOperation } from '@kling-kit/contract';
import { CASSETTE_FORMAT, type CassetteExchange, MAX_STATE_LENGTH, type TaskTimeline } from './cassette';
import type { KeptBody } from './exchange';

/** Largest cassette file read. */
export const MAX_CASSETTE_BYTES = 64 * 1024 * 1024;
/** Exchanges loaded at most, over all files. */
export const MAX_LOADED_EXCHANGES = 100_000;

/** A loaded exchange and where it came from (`file` is a name inside DIR). */
export interface LoadedExchange extends CassetteExchange {
  source: { file: string; seq: number };
}

export interface LoadedCassettes {
  exchanges: LoadedExchange[];
  tasks: Map<string, TaskTimeline>;
  files: string[];
}

const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}\.json$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function bodyOf(value: unknown): KeptBody | undefined | false {
  if (value === undefined) {
    return undefined;
  }
  if (!isObject(value)) {
    return false;
  }
  if ('json' in value) {
    return { json: value.json };
  }
  if (typeof value.text === 'string') {
    return { text: value.text };
  }
  if (typeof value.omitted === 'string') {
    return { omitted: value.omitted };
  }
  return false;
}

/** A recorded exchange checked field by field, or why it is not one. */
function exchangeOf(value: unknown, index: number): CassetteExchange | string {
  if (!isObject(value) || !isObject(value.request) || !isObject(value.answer)) {
    return 'not an exchange';
  }
  const { method, path, query, request, answer } = value;
  const operation =
    typeof method === 'string' && typeof path === 'string' ? findOperation(method, path) : undefined;
  if (!operation) {
    return 'method and path are not an operation of the spec';
  }
  const status = answer.status;
  if (!(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)) {
    return 'answer.status is not an HTTP status';
  }
  const requestBody = bodyOf(request.body);
  const answerBody = bodyOf(answer.body);
  if (requestBody === false || answerBody === false) {
    return 'a body is not {json}, {text} or {omitted}';
  }
  const taskId = isObject(query) && typeof query.taskId === 'string' ? query.taskId : undefined;
  const text = (field: unknown) => (typeof field === 'string' ? { contentType: field } : {});
  return {
    seq: Number.isSafeInteger(value.seq) ? (value.seq as number) : index + 1,
    at: Number.isFinite(value.at) ? (value.at as number) : 0,
    operationId: operation.operationId,
    method: operation.method,
    path: operation.path,
    query: taskId === undefined ? {} : { taskId },
    request: { ...text(request.contentType), ...(requestBody ? { body: requestBody } : {}) },
    answer: {
      status: status as number,
      ...text(answer.contentType),
      ...(answerBody ? { body: answerBody } : {}),
    },
  };
}

function timelineOf(value: unknown): TaskTimeline | undefined {
  if (!isObject(value) || !Number.isFinite(value.createdAt) || !Array.isArray(value.timeline)) {
    return undefined;
  }
  const timeline = value.timeline.filter(
    (entry): entry is { state: string; afterMs: number } =>
      isObject(entry) &&
      typeof entry.state === 'string' &&
      entry.state.length <= MAX_STATE_LENGTH &&
      Number.isFinite(entry.afterMs) &&
      (entry.afterMs as number) >= 0,
  );
  return {
    createdAt: value.createdAt as number,
    timeline: timeline
      .map(({ state, afterMs }) => ({ state, afterMs }))
      .sort((a, b) => a.afterMs - b.afterMs),
  };
}

/** Reads one file without following a symlink, or says why not. */
function readCassetteFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new Error('not a regular file');
    }
    if (stat.size > MAX_CASSETTE_BYTES) {
      throw new Error(`larger than ${MAX_CASSETTE_BYTES} bytes`);
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Loads every cassette in `dir`; throws only when `dir` itself cannot be listed. */
export function loadCassettes(dir: string, warn: (line: string) => void): LoadedCassettes {
  const loaded: LoadedCassettes = { exchanges: [], tasks: new Map(), files: [] };
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  const skip = (name: string, why: string) =>
    warn(`kling-mock: replay: skipping ${JSON.stringify(name).slice(0, 120)}: ${why}`);
  for (const entry of entries) {
    const name = entry.name;
    if (!SAFE_NAME.test(name)) {
      if (!name.startsWith('.')) {
        skip(name, 'not a cassette (*.json)');
      }
      continue;
    }
    if (!entry.isFile()) {
      skip(name, 'not a regular file');
      continue;
    }
    let cassette: unknown;
    try {
      cassette = JSON.parse(readCassetteFile(join(dir, name)));
    } catch (error) {
      skip(
        name,
        error instanceof SyntaxError ? 'not JSON' : error instanceof Error ? error.message : 'unreadable',
      );
      continue;
    }
    if (!isObject(cassette) || cassette.format !== CASSETTE_FORMAT || !Array.isArray(cassette.exchanges)) {
      skip(name, `not a ${CASSETTE_FORMAT} file`);
      continue;
    }
    loaded.files.push(name);
    cassette.exchanges.forEach((value, index) => {
      if (isObject(value) && value.operationId === 'receiveTaskCallback') {
        return; // a callback kie.ai sent (--validate): read it in the file, nothing to replay
      }
      const exchange = exchangeOf(value, index);
      if (typeof exchange === 'string') {
        skip(`${name} exchange ${index + 1}`, exchange);
      } else if (loaded.exchanges.length < MAX_LOADED_EXCHANGES) {
        loaded.exchanges.push({ ...exchange, source: { file: name, seq: exchange.seq } });
      }
    });
    if (isObject(cassette.tasks)) {
      for (const [taskId, value] of Object.entries(cassette.tasks)) {
        const timeline = timelineOf(value);
        if (timeline && !loaded.tasks.has(taskId)) {
          loaded.tasks.set(taskId, timeline);
        }
      }
    }
  }
  return loaded;
}
