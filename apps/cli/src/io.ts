/**
 * Where `kling` writes and what it reads from its process: the streams, the environment, the working
 * folder and the signals. The command runs on a `CliIo`, so tests (and `run()` callers) can give
 * their own. `Output` is the one way out for text: it masks the API key in everything it writes.
 */
import pc from 'picocolors';
import type { CliEvent } from './events';

/** A stream `kling` writes to (`process.stdout`, or anything with `write`). */
export interface CliStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/** What `kling` needs from its process. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths are read from (and results written to). */
  readonly cwd: string;
  /** Calls `handler` on SIGINT and SIGTERM until the returned function is called. */
  onSignal(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onSignal(handler) {
      const onInt = () => handler('SIGINT');
      const onTerm = () => handler('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
  };
}

/** picocolors' functions, on or off. */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * How results and progress are shown: `json`, one NDJSON event per line on stdout (with `--json`,
 * or when stdout is not a terminal); `human`, progress for people on stderr and the result on stdout;
 * `quiet`, only the result and errors.
 */
export type OutputMode = 'json' | 'human' | 'quiet';

export interface OutputOptions {
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  /** false with `--no-color`. */
  color?: boolean | undefined;
}

/** Whether colour is wanted on a stream: NO_COLOR and `--no-color` turn it off, FORCE_COLOR on. */
function colorWanted(io: CliIo, stream: CliStream, option: boolean | undefined): boolean {
  const { env } = io;
  if (option === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) {
    return false;
  }
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') {
    return true;
  }
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** Every line `kling` writes goes through here, with the API key masked. */
export class Output {
  readonly mode: OutputMode;
  /** Colours for stderr, where people read progress and errors. */
  readonly colors: Colors;
  private readonly secrets = new Set<string>();

  constructor(
    readonly io: CliIo,
    options: OutputOptions = {},
  ) {
    this.mode = options.json ? 'json' : options.quiet ? 'quiet' : io.stdout.isTTY ? 'human' : 'json';
    this.colors = pc.createColors(colorWanted(io, io.stderr, options.color));
  }

  /** Whether progress may be redrawn in place (people are watching stderr). */
  get live(): boolean {
    return this.mode === 'human' && Boolean(this.io.stderr.isTTY);
  }

  /** Masks `secret` in everything written from now on. */
  addSecret(secret: string | undefined): void {
    if (secret) {
      this.secrets.add(secret);
    }
  }

  redact(text: string): string {
    let masked = text;
    for (const secret of this.secrets) {
      masked = masked.split(secret).join('[redacted]');
    }
    return masked;
  }

  /** A line of the result, on stdout. */
  result(line: string): void {
    this.io.stdout.write(`${this.redact(line)}\n`);
  }

  /** A line for people, on stderr (nothing in quiet or JSON mode). */
  info(line: string): void {
    if (this.mode === 'human') {
      this.io.stderr.write(`${this.redact(line)}\n`);
    }
  }

  /** An error line, on stderr in every mode. */
  error(line: string): void {
    this.io.stderr.write(`${this.redact(line)}\n`);
  }

  /** Raw text on stderr (the live progress area). */
  stderr(text: string): void {
    this.io.stderr.write(this.redact(text));
  }

  /** An event: one NDJSON line on stdout in JSON mode, nothing otherwise. */
  event(event: CliEvent): void {
    if (this.mode === 'json') {
      const { event: name, ...fields } = event;
      this.io.stdout.write(
        `${this.redact(JSON.stringify({ event: name, time: new Date().toISOString(), ...fields }))}\n`,
      );
    }
  }
}
