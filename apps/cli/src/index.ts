/**
 * @kling-kit/cli: the `kling` command (`npx @kling-kit/cli generate --image photo.jpg --prompt …`).
 * The package also exports `run()`, to run the command line in-process, and the types of what it
 * prints with `--json` and writes in a batch journal, for scripts that read them.
 *
 * ```ts
 * import { run } from '@kling-kit/cli';
 * const exitCode = await run(['generate', '--mock', '--image', 'photo.jpg', '--prompt', 'A paper boat']);
 * ```
 */
export type { JobRecord, JournalEntry } from './batch/journal';
export type {
  CliEvent,
  CreatedEvent,
  DoneEvent,
  DownloadedEvent,
  ErrorEvent,
  JobRef,
  StateEvent,
  SummaryEvent,
  UploadedEvent,
} from './events';
export { EXIT_CODES, type ExitCode } from './exit-codes';
export { type CliIo, type CliStream, processIo } from './io';
export { run } from './run';
