/** The errors `kling` raises itself (the client's errors are explained by `explain.ts`). */
import { EXIT_CODES } from './exit-codes';

/** An error with the exit code and the one-line hint the command prints for it. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
    /** The `code` of the `error` event: `usage`, `network`, `interrupted`, … */
    readonly code: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The command line or the input is wrong (exit 2). */
export const usageError = (message: string, hint?: string): CliError =>
  new CliError(message, EXIT_CODES.usage, 'usage', hint);

/** A download failed (exit 4). */
export class DownloadError extends CliError {
  override name = 'DownloadError';
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message, EXIT_CODES.network, 'download');
  }
}

/** Ctrl-C (exit 130) or SIGTERM (exit 143): the task, if any, keeps running and can be resumed. */
export function interrupted(signal: 'SIGINT' | 'SIGTERM', message: string, hint?: string): CliError {
  return new CliError(message, signal === 'SIGINT' ? 130 : 143, 'interrupted', hint);
}
