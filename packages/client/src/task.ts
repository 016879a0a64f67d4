/** A task as the client returns it: the record decoded, plus a handle that survives a restart. */
import type { AnyModelId, RequestOf, TaskParam, TaskRecord, TaskState } from '@kling-kit/contract';

/** The create request of a task of model `M` (any model's when `M` is not a known id). */
export type ParamOf<M extends string> = M extends AnyModelId ? RequestOf<M> : TaskParam;

/**
 * A kie.ai task, decoded: `param` and `resultJson` parsed, `failCode` normalised. `M` is the model
 * id when the client knows it (a task from `createTask`, `generate` or a typed handle), so `param`
 * is that model's request; `Task` alone is a task of any model.
 */
export interface Task<M extends string = string> {
  readonly taskId: string;
  readonly model: M;
  readonly state: TaskState;
  /** The create request as kie.ai recorded it (decoded `param`), or null if it could not be decoded. */
  readonly param: ParamOf<M> | null;
  /** The result videos (decoded `resultJson`); empty until `state` is `success`. */
  readonly resultUrls: string[];
  /** Why it failed, as a string (kie.ai sends a string, an integer or null); null unless failed. */
  readonly failCode: string | null;
  readonly failMsg: string | null;
  /** Processing time in milliseconds, once finished. */
  readonly costTimeMs: number | null;
  /** Unix milliseconds. */
  readonly createTime: number;
  readonly completeTime: number | null;
  readonly updateTime: number | null;
  /** The record exactly as kie.ai sent it. */
  readonly raw: TaskRecord;
}

/**
 * What identifies a task across processes: `JSON.stringify` it, store it, pass it to `waitForTask`
 * later. `M` is the model id, so a wait on the handle resolves with a `Task<M>`.
 */
export interface TaskHandle<M extends string = string> {
  readonly taskId: string;
  readonly model: M;
  /** When the task was created (Unix ms), so a resumed wait keeps its poll schedule. */
  readonly createdAt: number;
  readonly callBackUrl?: string;
}

function parseJson<T>(text: string | null | undefined): T | null {
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** Decodes a recordInfo record. */
export function decodeTask(raw: TaskRecord): Task {
  const result = raw.state === 'success' ? parseJson<{ resultUrls?: unknown }>(raw.resultJson) : null;
  const failed = raw.state === 'fail';
  return {
    taskId: raw.taskId,
    model: raw.model,
    state: raw.state,
    param: parseJson<TaskParam>(raw.param),
    resultUrls: Array.isArray(result?.resultUrls)
      ? result.resultUrls.filter((url) => typeof url === 'string')
      : [],
    failCode:
      failed && raw.failCode !== null && raw.failCode !== undefined && raw.failCode !== ''
        ? String(raw.failCode)
        : null,
    failMsg: failed && raw.failMsg ? raw.failMsg : null,
    costTimeMs: raw.costTime ?? null,
    createTime: raw.createTime,
    completeTime: raw.completeTime ?? null,
    updateTime: raw.updateTime ?? null,
    raw,
  };
}
