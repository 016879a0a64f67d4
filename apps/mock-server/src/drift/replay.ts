/**
 * `kling-mock --replay DIR`: answers the API's operations from recorded exchanges, offline. A
 * request matches a recording by method, path, body and (recordInfo) taskId; identical requests
 * get the recorded answers in order, the last one again once they run out. A recordInfo for a
 * recorded task answers the state its timeline shows at the same time since creation, on the mock
 * clock (advance it to move the task on). Anything else gets a 404 envelope naming the closest
 * recording.
 */
import { findOperation, type Operation } from '@kling-kit/contract';
import type { Express, Response } from 'express';
import { readBody } from '../http/read-body';
import type { MockClock } from '../state/clock';
import { taskOf } from './cassette';
import type { LoadedCassettes, LoadedExchange } from './cassette-load';
import { type KeptBody, keepBody } from './exchange';
import { keysOf, printable } from './redact';

/** Largest request body read (as the proxy). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** JSON with sorted keys: two bodies that differ only in key order match. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([name, child]) => `${JSON.stringify(name)}:${canonical(child)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What a body contributes to matching: multipart and other left-out bodies match any body. */
function bodyKey(body: KeptBody | undefined): string {
  if (body === undefined) {
    return '';
  }
  if (body.omitted !== undefined) {
    return '*';
  }
  return body.text !== undefined ? `text:${body.text}` : `json:${canonical(body.json)}`;
}

function matchKey(operation: Operation, taskId: string | undefined, body: KeptBody | undefined): string {
  return `${operation.method} ${operation.path} ${taskId ?? ''} ${bodyKey(body)}`;
}

/** The leaves of a JSON value as dotted paths. */
function leaves(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
      leaves(child, prefix ? `${prefix}.${name}` : name, into);
    }
  } else {
    into.set(prefix, JSON.stringify(value) ?? 'null');
  }
  return into;
}

/** How far two bodies are apart (differing leaves) and the first differing path. */
function distance(a: KeptBody | undefined, b: KeptBody | undefined): { score: number; at?: string } {
  const left = leaves(a?.json ?? a?.text ?? null);
  const right = leaves(b?.json ?? b?.text ?? null);
  const differing = [...new Set([...left.keys(), ...right.keys()])]
    .filter((path) => left.get(path) !== right.get(path))
    .sort();
  return { score: differing.length, ...(differing[0] !== undefined ? { at: differing[0] } : {}) };
}

const shorten = (text: string) => printable(text.length > 100 ? `${text.slice(0, 100)}…` : text);
const named = (exchange: LoadedExchange) => `${exchange.source.file} exchange ${exchange.source.seq}`;

function notFound(res: Response, msg: string): void {
  res.status(404).json({ code: 404, msg, data: null });
}

function send(res: Response, exchange: LoadedExchange): void {
  const { status, body } = exchange.answer;
  res.status(status);
  res.setHeader('X-Kling-Replay', named(exchange));
  res.setHeader('Cache-Control', 'no-store');
  // A cassette's content type is not trusted: nothing recorded may be served as a runnable page.
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (body?.json !== undefined) {
    res.type('application/json');
    res.send(JSON.stringify(body.json));
  } else if (body?.text !== undefined) {
    res.type('text/plain');
    res.send(body.text);
  } else {
    res.end();
  }
}

/** Serves the operations of the spec from `cassettes`; other paths go on to the mock's own routes. */
export function replayRoutes(app: Express, cassettes: LoadedCassettes, clock: MockClock): void {
  const byKey = new Map<string, LoadedExchange[]>();
  const served = new Map<string, number>();
  /** recordInfo answers per task and state: the first one recorded is replayed. */
  const byTaskState = new Map<string, LoadedExchange>();
  for (const exchange of cassettes.exchanges) {
    const operation = findOperation(exchange.method, exchange.path) as Operation;
    const key = matchKey(operation, exchange.query.taskId, exchange.request.body);
    byKey.set(key, [...(byKey.get(key) ?? []), exchange]);
    const task = taskOf(exchange);
    if (exchange.operationId === 'getTaskRecord' && task?.state !== undefined) {
      const taskKey = `${task.taskId}\n${task.state}`;
      if (!byTaskState.has(taskKey)) {
        byTaskState.set(taskKey, exchange);
      }
    }
  }
  /** When each task was created in this replay (mock clock). */
  const createdAt = new Map<string, number>();

  const timelineAnswer = (taskId: string): LoadedExchange | undefined => {
    const timeline = cassettes.tasks.get(taskId)?.timeline ?? [];
    if (timeline.length === 0) {
      return undefined;
    }
    let start = createdAt.get(taskId);
    if (start === undefined) {
      start = clock.now();
      createdAt.set(taskId, start);
    }
    const elapsed = clock.now() - start;
    const current = timeline.filter((entry) => entry.afterMs <= elapsed).at(-1) ?? timeline[0];
    return current && byTaskState.get(`${taskId}\n${current.state}`);
  };

  const closest = (operation: Operation, taskId: string | undefined, body: KeptBody | undefined): string => {
    const samePath = cassettes.exchanges.filter(
      (exchange) => exchange.method === operation.method && exchange.path === operation.path,
    );
    const what = `${operation.method} ${operation.path}`;
    if (samePath.length === 0) {
      const recorded = [...new Set(cassettes.exchanges.map((e) => `${e.method} ${e.path}`))];
      return `No recording of ${what} in the replayed cassettes (recorded: ${recorded.join(', ') || 'nothing'})`;
    }
    if (operation.operationId === 'getTaskRecord') {
      const ids = [...new Set(samePath.map((e) => e.query.taskId).filter(Boolean))];
      const first = samePath[0] as LoadedExchange;
      return `No recording of ${what} for taskId ${shorten(taskId ?? '(none)')}; closest recording: ${named(first)} (recorded taskIds: ${ids
        .slice(0, 5)
        .map((id) => shorten(id as string))
        .join(', ')}${ids.length > 5 ? ', …' : ''})`;
    }
    let best: { exchange: LoadedExchange; score: number; at?: string } | undefined;
    for (const exchange of samePath) {
      const { score, at } = distance(body, exchange.request.body);
      if (!best || score < best.score) {
        best = { exchange, score, ...(at !== undefined ? { at } : {}) };
      }
    }
    const found = best as { exchange: LoadedExchange; at?: string };
    return `No recording of ${what} with this body; closest recording: ${named(found.exchange)}${found.at ? ` (the body differs at ${shorten(found.at)})` : ''}`;
  };

  app.use(async (req, res, next) => {
    const operation = findOperation(req.method, req.path);
    if (!operation) {
      next();
      return;
    }
    try {
      const taskId =
        operation.operationId === 'getTaskRecord' && typeof req.query.taskId === 'string'
          ? req.query.taskId
          : undefined;
      let body: KeptBody | undefined;
      if (operation.method !== 'GET') {
        const bytes = await readBody(req, MAX_BODY_BYTES);
        if (bytes === 'too-large') {
          res.setHeader('Connection', 'close');
          res
            .status(413)
            .json({ code: 422, msg: `Replay reads bodies up to ${MAX_BODY_BYTES} bytes`, data: null });
          return;
        }
        const auth = req.headers.authorization;
        body = keepBody(bytes, req.headers['content-type'], keysOf(auth, undefined));
      }
      const fromTimeline = taskId === undefined ? undefined : timelineAnswer(taskId);
      if (fromTimeline) {
        send(res, fromTimeline);
        return;
      }
      const key = matchKey(operation, taskId, body);
      const candidates =
        byKey.get(key) ??
        (body?.omitted !== undefined ? undefined : byKey.get(matchKey(operation, taskId, { omitted: '' })));
      if (!candidates || candidates.length === 0) {
        notFound(res, closest(operation, taskId, body));
        return;
      }
      const count = served.get(key) ?? 0;
      served.set(key, count + 1);
      const exchange = candidates[Math.min(count, candidates.length - 1)] as LoadedExchange;
      const created = operation.operationId === 'createTask' ? taskOf(exchange) : undefined;
      if (created) {
        // A replayed creation starts (or restarts) the task's recorded timeline now.
        createdAt.set(created.taskId, clock.now());
      }
      send(res, exchange);
    } catch {
      if (!res.headersSent) {
        res.status(500).json({ code: 500, msg: 'Replay could not answer this request', data: null });
      }
    }
  });
}
