/** How a command ends: its results (and a `done` event), or an error explained on stderr (and as an `error` event), and its exit code. */
import type { JobRef } from './events';
import { type ErrorContext, explain } from './explain';
import type { Output } from './io';
import { shownPath } from './task-flow';

/** Reports a followed task's files (a `done` event; the paths on stdout off JSON mode) and returns exit code 0. */
export function reportDone(out: Output, cwd: string, taskId: string, paths: string[]): number {
  out.event({ event: 'done', taskId, paths });
  if (out.mode !== 'json') {
    for (const saved of paths) {
      out.result(shownPath(cwd, saved));
    }
  }
  return 0;
}

/** What Ctrl-C while waiting says: the task was not cancelled. */
export const stoppedWaiting = (taskId: string): string =>
  `interrupted: stopped waiting; task ${taskId} keeps running on kie.ai (it was not cancelled)`;

/** Prints an error (one line: what happened — what to do) and returns its exit code. */
export function reportError(out: Output, error: unknown, context: ErrorContext = {}, job?: JobRef): number {
  const explained = explain(error, context);
  out.event({
    event: 'error',
    exitCode: explained.exitCode,
    code: explained.code,
    message: explained.message,
    ...(explained.hint ? { hint: explained.hint } : {}),
    ...(context.taskId ? { taskId: context.taskId } : {}),
    ...(context.resume ? { resume: context.resume } : {}),
    ...job,
  });
  const { colors } = out;
  const where = job?.job === undefined ? '' : `line ${job.job}${job.id ? ` (${job.id})` : ''}: `;
  const hint = explained.hint ? colors.dim(explained.hint) : '';
  out.error(
    explained.message.includes('\n') || !hint
      ? `${colors.red('kling:')} ${where}${explained.message}${hint ? `\n  ${hint}` : ''}`
      : `${colors.red('kling:')} ${where}${explained.message} — ${hint}`,
  );
  return explained.exitCode;
}
