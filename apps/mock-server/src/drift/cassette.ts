/**
 * The cassette format of `--record` and `--replay`: one pretty-printed JSON file per proxy session
 * (one run of `kling-mock --proxy … --record DIR`), rewritten after each exchange so it is complete
 * whenever the process stops. Keys are redacted; times are on the mock clock.
 *
 * ```json
 * {
 *   "format": "kling-mock-cassette", "version": 1, "recordedWith": "kling-mock 0.2.0",
 *   "target": "https://api.kie.ai", "startedAt": 1764550000000,
 *   "exchanges": [{ "seq": 1, "at": 1764550000100, "operationId": "createTask", "method": "POST",
 *     "path": "/api/v1/jobs/createTask", "query": {},
 *     "request": { "contentType": "application/json", "body": { "json": { "model": "kling/v2-1-pro", … } } },
 *     "answer": { "status": 200, "contentType": "application/json", "body": { "json": { "code": 200, … } } } }],
 *   "tasks": { "<taskId>": { "createdAt": 1764550000100,
 *     "timeline": [{ "state": "waiting", "afterMs": 0 }, { "state": "success", "afterMs": 95000 }] } }
 * }
 * ```
 *
 * A body is `{json}` (parsed JSON), `{text}` or `{omitted}` (binary, multipart, or over 1 MB). A
 * task's timeline lists each state the first time a recordInfo answer showed it, as milliseconds
 * since the task was created (its createTask answer, else its first recordInfo).
 */
import type { Exchange } from './exchange';

export const CASSETTE_FORMAT = 'kling-mock-cassette';
export const CASSETTE_VERSION = 1;

/** Longest state kept in a timeline. */
export const MAX_STATE_LENGTH = 64;

/** When a task first showed a state, in ms after its creation. */
export interface TimelineEntry {
  /** The state as the service wrote it (recorded even when the spec does not know it). */
  state: string;
  afterMs: number;
}

/** One task's recorded life. */
export interface TaskTimeline {
  /** Mock-clock time of its creation (Unix ms). */
  createdAt: number;
  timeline: TimelineEntry[];
}

/** A recorded exchange in a cassette file. */
export type CassetteExchange = Exchange & { seq: number };

/** A cassette file. */
export interface Cassette {
  format: typeof CASSETTE_FORMAT;
  version: typeof CASSETTE_VERSION;
  recordedWith: string;
  target: string;
  startedAt: number;
  exchanges: CassetteExchange[];
  tasks: Record<string, TaskTimeline>;
}

/** The task id and state an exchange's answer shows: createTask's new task, recordInfo's record. */
export function taskOf(exchange: Exchange): { taskId: string; state?: string } | undefined {
  const json = exchange.answer.body?.json as { data?: unknown } | undefined;
  const data = json?.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return undefined;
  }
  const { taskId, state } = data as { taskId?: unknown; state?: unknown };
  if (exchange.operationId === 'createTask' && typeof taskId === 'string') {
    return { taskId };
  }
  if (exchange.operationId === 'getTaskRecord') {
    const id = typeof taskId === 'string' ? taskId : exchange.query.taskId;
    return id === undefined ? undefined : { taskId: id, ...(typeof state === 'string' ? { state } : {}) };
  }
  return undefined;
}
