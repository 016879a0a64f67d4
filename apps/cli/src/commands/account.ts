/** `kling status <taskId>`, `kling credits` and `kling upload <file>`: one request each. */
import { resolve } from 'node:path';
import { reportError } from '../command';
import { usageError } from '../errors';
import type { ErrorContext } from '../explain';
import { bytes, clock, credits } from '../format';
import { type CliIo, Output } from '../io';
import { checkLocalFiles, uploadLocalFile } from '../local-files';
import { isLocalPath } from '../request';
import { type CommonOptions, openSession, type Session } from '../session';

/** Opens a session, runs `body`, explains what fails; the exit code. */
async function oneRequest(
  io: CliIo,
  options: CommonOptions,
  body: (session: Session, out: Output) => Promise<void>,
  context: ErrorContext = {},
): Promise<number> {
  const out = new Output(io, options);
  let session: Session | undefined;
  try {
    session = await openSession(io, options, out);
    context.baseUrl = session.baseUrl;
    await body(session, out);
    return 0;
  } catch (error) {
    return reportError(out, error, { ...context, rateLimitRetries: session?.rateLimitRetries });
  } finally {
    await session?.close();
  }
}

const time = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString());

export function status(io: CliIo, taskId: string, options: CommonOptions): Promise<number> {
  return oneRequest(
    io,
    options,
    async ({ client }, out) => {
      const task = await client.getTask(taskId);
      if (out.mode === 'json') {
        const { raw: _raw, ...decoded } = task;
        out.result(JSON.stringify(decoded));
        return;
      }
      const { colors } = out;
      const state =
        task.state === 'success'
          ? colors.green(task.state)
          : task.state === 'fail'
            ? colors.red(task.state)
            : colors.yellow(task.state);
      const lines = [
        `task      ${task.taskId}`,
        `model     ${task.model}`,
        `state     ${state}${task.costTimeMs !== null ? ` (generation took ${clock(task.costTimeMs)})` : ''}`,
        `created   ${time(task.createTime)}`,
        ...(task.completeTime !== null ? [`completed ${time(task.completeTime)}`] : []),
        ...task.resultUrls.map((url) => `result    ${url}`),
        ...(task.state === 'fail'
          ? [`failure   ${task.failCode ?? ''} ${task.failMsg ?? ''}`.trimEnd()]
          : []),
      ];
      out.result(lines.join('\n'));
    },
    { taskId },
  );
}

export function creditBalance(io: CliIo, options: CommonOptions): Promise<number> {
  return oneRequest(io, options, async ({ client }, out) => {
    const balance = await client.getCredits();
    out.result(out.mode === 'json' ? JSON.stringify({ credits: balance }) : `${credits(balance)} credits`);
  });
}

export function upload(io: CliIo, file: string, options: CommonOptions): Promise<number> {
  return oneRequest(io, options, async ({ uploads }, out) => {
    if (!isLocalPath(file)) {
      if (!/^https?:\/\//i.test(file)) {
        throw usageError(`${file}: neither a local file nor an http(s) URL`);
      }
      const uploaded = await uploads.uploadFile(file, { uploadPath: 'kling-cli' });
      out.event({
        event: 'uploaded',
        input: 'file',
        path: file,
        bytes: uploaded.fileSize,
        url: uploaded.downloadUrl,
      });
      if (out.mode !== 'json') {
        out.result(uploaded.downloadUrl);
      }
      return;
    }
    const [local] = await checkLocalFiles(
      [{ label: 'file', given: file, schema: {}, set: () => {} }],
      io.cwd,
    );
    if (!local) {
      throw usageError(`${file}: no such file`);
    }
    out.info(out.colors.dim(`uploading ${file} (${bytes(local.size)})`));
    const url = await uploadLocalFile(uploads, local, undefined);
    out.event({ event: 'uploaded', input: 'file', path: resolve(io.cwd, file), bytes: local.size, url });
    if (out.mode !== 'json') {
      out.result(url);
    }
  });
}
