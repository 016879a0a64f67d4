/**
 * Past tasks of this browser, in localStorage: ids, models, prompts, states and where they ran.
 * Never a key: a real key lives in memory only.
 */
import type { TaskState } from '@kling-kit/contract';

/** One remembered task. */
export interface HistoryEntry {
  readonly taskId: string;
  /** The model id sent (entries saved before the family have none: they were `kling/v2-1-pro`). */
  readonly model?: string;
  readonly prompt: string;
  readonly state: TaskState | 'created';
  /** Unix ms. */
  readonly createdAt: number;
  /** Base URL it was created against (the mock, the proxy, or another server). */
  readonly baseUrl: string;
}

/** The localStorage key of the history. */
export const HISTORY_KEY = 'kling-kit.playground.history.v1';
/** Entries kept, newest first. */
export const HISTORY_SIZE = 25;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled by the browser
  }
}

function isEntry(value: unknown): value is HistoryEntry {
  const entry = value as Partial<HistoryEntry> | null;
  return (
    typeof entry?.taskId === 'string' &&
    typeof entry.prompt === 'string' &&
    typeof entry.state === 'string' &&
    typeof entry.createdAt === 'number' &&
    typeof entry.baseUrl === 'string' &&
    (entry.model === undefined || typeof entry.model === 'string')
  );
}

/** Reads the history; a damaged store reads as empty. */
export function loadHistory(): HistoryEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isEntry).slice(0, HISTORY_SIZE) : [];
  } catch {
    return [];
  }
}

/** Adds an entry, or updates the state of a known one; returns the new list, newest first. */
export function saveToHistory(entry: HistoryEntry): HistoryEntry[] {
  const current = loadHistory();
  const known = current.some((existing) => existing.taskId === entry.taskId);
  const next = known
    ? current.map((existing) =>
        existing.taskId === entry.taskId ? { ...existing, state: entry.state } : existing,
      )
    : [entry, ...current].slice(0, HISTORY_SIZE);
  try {
    storage()?.setItem(HISTORY_KEY, JSON.stringify(next));
  } catch {
    // Quota or privacy mode: the history is a convenience, the task itself is unaffected.
  }
  return next;
}
