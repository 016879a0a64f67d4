/**
 * Runs a task for the page: create it, then follow it through its states with elapsed times, or
 * resume following a task from the history. One task at a time; a new one cancels the old wait.
 */
import type { KlingClient, PollDelay, Task } from '@kling-kit/client';
import { KLING_MODEL, type TaskState } from '@kling-kit/contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ExplainedError, explainError } from './explain-error';
import type { FormRequest } from './form-values';
import type { HistoryEntry } from './history';

/** A state the task reached, and when (ms after it was created). */
export interface TimelineEntry {
  readonly state: TaskState | 'created';
  readonly atMs: number;
}

/** What the task panel shows. */
export interface RunState {
  readonly status: 'idle' | 'creating' | 'watching' | 'success' | 'fail' | 'error';
  readonly taskId?: string;
  /** The task's model id. */
  readonly model?: string;
  /** When the task was created (Unix ms, this browser's clock). */
  readonly startedAt?: number;
  readonly timeline: readonly TimelineEntry[];
  readonly task?: Task;
  readonly error?: ExplainedError;
}

/** How to reach the API for one run. */
export interface RunOptions {
  client: KlingClient;
  baseUrl: string;
  pollDelay?: PollDelay | undefined;
}

/** What the history shows of a request: its prompt, else its first shot's, else nothing. */
export function promptOf(input: Record<string, unknown>): string {
  if (typeof input.prompt === 'string' && input.prompt !== '') {
    return input.prompt;
  }
  const shots = Array.isArray(input.multi_prompt) ? (input.multi_prompt as { prompt?: unknown }[]) : [];
  const first = shots.find((shot) => typeof shot?.prompt === 'string' && shot.prompt !== '');
  return typeof first?.prompt === 'string' ? first.prompt : '';
}

/** The wait is bounded so a forgotten tab stops polling (kie.ai's slowest tasks take minutes). */
const WAIT_MS = 20 * 60_000;

/** The task runner: `run` state, `start` a new task, `resume` one from the history. */
export function useTaskRunner(remember: (entry: HistoryEntry) => void) {
  const [run, setRun] = useState<RunState>({ status: 'idle', timeline: [] });
  const current = useRef<AbortController | null>(null);
  useEffect(() => () => current.current?.abort(), []);

  const begin = () => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    return controller.signal;
  };

  const follow = useCallback(
    async (options: RunOptions, entry: HistoryEntry, signal: AbortSignal) => {
      try {
        for await (const task of options.client.watchTask(
          { taskId: entry.taskId, model: entry.model ?? KLING_MODEL, createdAt: entry.createdAt },
          { signal, timeoutMs: WAIT_MS, ...(options.pollDelay ? { pollDelay: options.pollDelay } : {}) },
        )) {
          remember({ ...entry, state: task.state });
          setRun((previous) => ({
            ...previous,
            task,
            status: task.state === 'success' ? 'success' : task.state === 'fail' ? 'fail' : 'watching',
            timeline: [...previous.timeline, { state: task.state, atMs: Date.now() - entry.createdAt }],
          }));
        }
      } catch (error) {
        if (!signal.aborted) {
          setRun((previous) => ({ ...previous, status: 'error', error: explainError(error) }));
        }
      }
    },
    [remember],
  );

  const start = useCallback(
    async (options: RunOptions, request: FormRequest) => {
      const signal = begin();
      setRun({ status: 'creating', timeline: [] });
      let entry: HistoryEntry;
      try {
        const { input, callBackUrl, model } = request;
        // The body was checked with the model's definition; the client's types pair each model id with
        // its own input, which a body built at run time cannot prove.
        const params = { input, model, ...(callBackUrl ? { callBackUrl } : {}) } as never;
        const handle = await options.client.createTask(params, { signal });
        entry = {
          taskId: handle.taskId,
          model,
          prompt: promptOf(input),
          state: 'created',
          createdAt: handle.createdAt,
          baseUrl: options.baseUrl,
        };
      } catch (error) {
        if (!signal.aborted) {
          setRun({ status: 'error', timeline: [], error: explainError(error) });
        }
        return;
      }
      remember(entry);
      setRun({
        status: 'watching',
        taskId: entry.taskId,
        model: entry.model,
        startedAt: entry.createdAt,
        timeline: [{ state: 'created', atMs: Date.now() - entry.createdAt }],
      });
      await follow(options, entry, signal);
    },
    [follow, remember],
  );

  const resume = useCallback(
    async (options: RunOptions, entry: HistoryEntry) => {
      const signal = begin();
      setRun({
        status: 'watching',
        taskId: entry.taskId,
        model: entry.model ?? KLING_MODEL,
        startedAt: entry.createdAt,
        timeline: [],
      });
      await follow(options, entry, signal);
    },
    [follow],
  );

  /** Shows an error that happened before any request (e.g. no client for the connection). */
  const fail = useCallback((error: unknown) => {
    current.current?.abort();
    setRun({ status: 'error', timeline: [], error: explainError(error) });
  }, []);

  return { run, start, resume, fail };
}
