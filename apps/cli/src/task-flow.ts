/**
 * Following a task to the file on disk, shared by `generate`, `wait` and `batch`: state changes as
 * events and on the timeline, then every result downloaded. Also the names of results and the
 * command that resumes a wait.
 */
import { basename, extname, isAbsolute, relative, resolve } from 'node:path';
import { type Task, TaskFailedError, type TaskHandle } from '@kling-kit/client';
import { findModel, type ModelFacts, videoSecondsOf } from '@kling-kit/contract';
import { download } from './download';
import { CliError } from './errors';
import type { JobRef } from './events';
import { EXIT_CODES } from './exit-codes';
import { bytes, clock, shellWord, speed } from './format';
import type { Session } from './session';

/** `shots/a.mp4` → `shots/a-2.mp4`: the name of a task's second (third, …) result. */
export function nthResultPath(path: string, index: number): string {
  if (index === 0) {
    return path;
  }
  const extension = extname(path);
  return `${path.slice(0, path.length - extension.length)}-${index + 1}${extension}`;
}

/** A path as people read it: relative to the working folder when inside it. */
export function shownPath(cwd: string, path: string): string {
  const inside = relative(cwd, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** Where a task's result goes: `--out`, or `<taskId>.mp4` in the working folder. */
export const resultPath = (cwd: string, taskId: string, out?: string): string =>
  resolve(cwd, out ?? `${taskId}.mp4`);

/** The command that resumes waiting for a task (never with the key). */
export function resumeCommand(
  session: Pick<Session, 'baseUrl' | 'mock' | 'io'>,
  taskId: string,
  path: string,
): string {
  const words = ['kling', 'wait', taskId, '--out', shellWord(shownPath(session.io.cwd, path))];
  if (session.baseUrl && !session.mock) {
    words.push('--base-url', shellWord(session.baseUrl));
  }
  return words.join(' ');
}

/** "typically ~1:50 for a 5 s video", from the catalog's generation-time estimate. */
export function typicalTime(facts: ModelFacts | undefined, input: unknown): string | undefined {
  if (!facts) {
    return undefined;
  }
  const seconds = videoSecondsOf(facts, input);
  const typical = (facts.generationSeconds.base + facts.generationSeconds.perVideoSecond * seconds) * 1000;
  return `typically ~${clock(typical)} for a ${seconds} s video`;
}

/** Where a task's progress is shown (`TaskView` for one task, a row of the batch view). */
export interface TaskProgress {
  /** The task exists since `createdAt`; `typical` says how long such a task usually takes. */
  started(createdAt: number, typical?: string): void;
  state(state: string): void;
  downloading(file: string, received: number, total: number | undefined): void;
  downloaded(): void;
  /** A line that stays. */
  line(text: string): void;
}

export interface FollowOptions {
  session: Session;
  view: TaskProgress;
  task: string | TaskHandle;
  /** Where the first result goes (absolute). */
  path: string;
  signal: AbortSignal;
  facts?: ModelFacts | undefined;
  input?: unknown;
  job?: JobRef | undefined;
  /** Called at each state change (the batch journal). */
  onState?: ((task: Task) => void) | undefined;
}

/** Waits for the task; throws `TaskFailedError` when it fails. */
export async function waitFor(options: FollowOptions): Promise<Task> {
  const { session, view, signal, job } = options;
  let last: Task | undefined;
  for await (const task of session.client.watchTask(options.task, { signal, timeoutMs: session.timeoutMs })) {
    if (!last) {
      const facts = options.facts ?? findModel(task.model);
      view.started(task.createTime, typicalTime(facts, options.input ?? task.param?.input));
    }
    last = task;
    view.state(task.state);
    options.onState?.(task);
    session.out.event({
      event: 'state',
      taskId: task.taskId,
      state: task.state,
      elapsedMs: Math.max(0, Date.now() - task.createTime),
      ...job,
    });
  }
  if (!last) {
    throw new CliError('the wait ended without a task', EXIT_CODES.network, 'network');
  }
  if (last.state === 'fail') {
    throw new TaskFailedError(last);
  }
  return last;
}

/** Downloads every result of a successful task; resolves with the paths (absolute). */
export async function downloadResults(options: FollowOptions, task: Task): Promise<string[]> {
  const { session, view, signal, job } = options;
  if (task.resultUrls.length === 0) {
    throw new CliError(`task ${task.taskId} succeeded without a result URL`, EXIT_CODES.network, 'no-result');
  }
  const paths: string[] = [];
  for (const [index, url] of task.resultUrls.entries()) {
    const path = nthResultPath(options.path, index);
    const shown = shownPath(session.io.cwd, path);
    const name = basename(path);
    const result = await download(url, path, {
      signal,
      onProgress: (received, total) => view.downloading(name, received, total),
      refresh: (expired) => session.client.getDownloadUrl(expired, { signal }),
    });
    view.downloaded();
    view.line(
      `${session.out.colors.green('✔')} saved ${shown} ${session.out.colors.dim(`(${bytes(result.bytes)} in ${(result.ms / 1000).toFixed(1)} s, ${speed(result.bytes, result.ms)})`)}`,
    );
    session.out.event({
      event: 'downloaded',
      taskId: task.taskId,
      path,
      bytes: result.bytes,
      ms: Math.round(result.ms),
      ...job,
    });
    paths.push(path);
  }
  return paths;
}

/** Waits for the task, then downloads its results. */
export async function followTask(options: FollowOptions): Promise<{ task: Task; paths: string[] }> {
  const task = await waitFor(options);
  return { task, paths: await downloadResults(options, task) };
}
