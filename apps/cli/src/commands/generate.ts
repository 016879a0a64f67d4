/**
 * `kling generate`: checks the input locally (the model's own rules), shows the estimated credits,
 * uploads local files, creates the task, follows it and downloads the result. Ctrl-C while waiting
 * stops the wait only: the task is never cancelled nor created twice, and the command to resume is
 * printed. Ctrl-C while the create request is out waits for its answer (so the task id is not lost);
 * a second Ctrl-C quits at once.
 */
import type { TaskHandle } from '@kling-kit/client';
import { creditsOf, findModel } from '@kling-kit/contract';
import { reportDone, reportError, stoppedWaiting } from '../command';
import { interrupted, usageError } from '../errors';
import type { ErrorContext } from '../explain';
import { credits as formatCredits } from '../format';
import { type CliIo, Output } from '../io';
import { checkLocalFiles, uploadLocalFile } from '../local-files';
import { type CreateRequest, checkRequest, coerce, localFileSlots } from '../request';
import { inputFlagsOf } from '../schema-flags';
import { type CommonOptions, openSession, type Session } from '../session';
import { followTask, resultPath, resumeCommand } from '../task-flow';
import { TaskView } from '../task-view';

export interface GenerateOptions extends CommonOptions {
  model: string;
  out?: string;
  callbackUrl?: string;
  /** The input flags given, by input property (raw: text, lists of text, booleans, parsed JSON). */
  inputs: Record<string, unknown>;
}

export async function generate(io: CliIo, options: GenerateOptions): Promise<number> {
  const out = new Output(io, options);
  const context: ErrorContext = {};
  let session: Session | undefined;
  let view: TaskView | undefined;
  let phase: 'prepare' | 'upload' | 'create' | 'wait' = 'prepare';
  let signalled: 'SIGINT' | 'SIGTERM' | undefined;
  const stop = new AbortController();
  const quitCreate = new AbortController();
  const offSignal = io.onSignal((signal) => {
    if (phase === 'create' && !signalled) {
      signalled = signal;
      out.error(
        "kling: waiting for kie.ai's answer to the create request, so the task id is not lost (Ctrl-C again to quit now)",
      );
      return;
    }
    signalled = signal;
    quitCreate.abort();
    stop.abort();
  });
  try {
    const facts = findModel(options.model);
    if (!facts) {
      throw usageError(`unknown model ${options.model}`, 'kling models lists them');
    }
    const flags = new Map(inputFlagsOf(facts).map((flag) => [flag.property, flag]));
    const input: Record<string, unknown> = {};
    for (const [property, value] of Object.entries(options.inputs)) {
      const flag = flags.get(property);
      input[property] = flag ? coerce(flag, value) : value;
    }
    const request: CreateRequest = {
      model: options.model,
      ...(options.callbackUrl !== undefined ? { callBackUrl: options.callbackUrl } : {}),
      input,
    };
    const { models } = await import('../models');
    checkRequest(models.get(options.model), facts, request);
    const files = await checkLocalFiles(localFileSlots(facts, request.input), io.cwd);
    session = await openSession(io, options, out, { creates: true });
    context.baseUrl = session.baseUrl;
    view = await TaskView.open(out);
    const estimate = creditsOf(facts, request.input);
    context.needed = estimate;
    view.line(
      `${facts.name} ${out.colors.dim(`(${facts.id})`)} · ≈ ${formatCredits(estimate)} credits on success ${out.colors.dim(`(third-party price, ${facts.credits.confidence} confidence)`)}`,
    );
    session.onRetry = ({ delayMs, code }) =>
      view?.note(
        `${code === 429 ? 'rate limited' : 'kie.ai did not answer'}: retrying in ${(delayMs / 1000).toFixed(1)} s`,
      );

    phase = 'upload';
    for (const file of files) {
      const url = await uploadLocalFile(session.uploads, file, stop.signal);
      for (const slot of file.slots) {
        slot.set(url);
        out.event({ event: 'uploaded', input: slot.label, path: file.path, bytes: file.size, url });
      }
      view.line(`${out.colors.green('↑')} uploaded ${file.given} ${out.colors.dim(`→ ${url}`)}`);
    }

    stop.signal.throwIfAborted();
    phase = 'create';
    let handle: TaskHandle;
    try {
      handle = await session.client.createTask(request as never, { signal: quitCreate.signal });
    } catch (error) {
      if ((error as { code?: unknown }).code === 402) {
        context.balance = await session.client.getCredits().catch(() => undefined);
      }
      if (signalled) {
        throw interrupted(
          signalled,
          'interrupted while the create request was out: the task may or may not exist',
          'it was not sent again; check your kie.ai task list before creating it again',
        );
      }
      throw error;
    }
    const path = resultPath(io.cwd, handle.taskId, options.out);
    const resume = resumeCommand(session, handle.taskId, path);
    Object.assign(context, { taskId: handle.taskId, resume });
    out.event({ event: 'created', taskId: handle.taskId, model: handle.model, credits: estimate, resume });
    view.line(`${out.colors.green('✔')} created task ${out.colors.bold(handle.taskId)}`);
    view.line(out.colors.dim(`  Ctrl-C stops waiting, not the task; resume with: ${resume}`));
    if (signalled) {
      stop.abort();
    }

    phase = 'wait';
    const { task, paths } = await followTask({
      session,
      view,
      task: handle,
      path,
      signal: stop.signal,
      facts,
      input: request.input,
    });
    view.stop();
    return reportDone(out, io.cwd, task.taskId, paths);
  } catch (error) {
    view?.stop();
    const reason =
      signalled && phase !== 'create'
        ? interrupted(
            signalled,
            context.taskId
              ? stoppedWaiting(context.taskId)
              : 'interrupted before the task was created: nothing was sent',
            context.resume ? `resume with: ${context.resume}` : undefined,
          )
        : error;
    return reportError(out, reason, { ...context, rateLimitRetries: session?.rateLimitRetries });
  } finally {
    offSignal();
    await session?.close();
  }
}
