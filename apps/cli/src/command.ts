/** How a command ends: an error explained on stderr (and as an `error` event), and its exit code. */
import type { JobRef } from './events';
import { type ErrorContext, explain } from './explain';
import type { Output } from './io';

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
