/**
 * `kling wait <taskId>`: resumes a task created anywhere (by `generate`, a script, the playground):
 * follows it with the same progress and downloads its result. Ctrl-C stops waiting; the task runs on.
 */
import { reportDone, reportError, stoppedWaiting } from '../command';
import { interrupted } from '../errors';
import type { ErrorContext } from '../explain';
import { type CliIo, Output } from '../io';
import { type CommonOptions, openSession, type Session } from '../session';
import { followTask, resultPath, resumeCommand } from '../task-flow';
import { TaskView } from '../task-view';

export interface WaitCommandOptions extends CommonOptions {
  out?: string;
}

export async function wait(io: CliIo, taskId: string, options: WaitCommandOptions): Promise<number> {
  const out = new Output(io, options);
  const context: ErrorContext = { taskId };
  let session: Session | undefined;
  let view: TaskView | undefined;
  let signalled: 'SIGINT' | 'SIGTERM' | undefined;
  const stop = new AbortController();
  const offSignal = io.onSignal((signal) => {
    signalled = signal;
    stop.abort();
  });
  try {
    session = await openSession(io, options, out);
    const path = resultPath(io.cwd, taskId, options.out);
    Object.assign(context, { baseUrl: session.baseUrl, resume: resumeCommand(session, taskId, path) });
    // One query first: an unknown task or an unreachable server is said at once, not ridden out
    // until --timeout as the wait does with a passing network error.
    await session.client.getTask(taskId, { signal: stop.signal });
    view = await TaskView.open(out);
    view.line(`waiting for task ${out.colors.bold(taskId)}`);
    session.onRetry = ({ delayMs, code }) =>
      view?.note(
        `${code === 429 ? 'rate limited' : 'kie.ai did not answer'}: retrying in ${(delayMs / 1000).toFixed(1)} s`,
      );
    const { paths } = await followTask({ session, view, task: taskId, path, signal: stop.signal });
    view.stop();
    return reportDone(out, io.cwd, taskId, paths);
  } catch (error) {
    view?.stop();
    const reason = signalled
      ? interrupted(
          signalled,
          stoppedWaiting(taskId),
          context.resume ? `resume with: ${context.resume}` : undefined,
        )
      : error;
    return reportError(out, reason, { ...context, rateLimitRetries: session?.rateLimitRetries });
  } finally {
    offSignal();
    await session?.close();
  }
}
