/**
 * The exit codes of `kling`, one meaning each, so a script can branch on them. Plain data: the
 * README's table is this list.
 */
export const EXIT_CODES = {
  /** Everything asked for was done (every job, for `batch`). */
  ok: 0,
  /** A task failed on kie.ai (or, for `batch`, at least one job did not succeed). */
  taskFailed: 1,
  /** The command line or the input is wrong: a flag, a file, a value kie.ai's rules refuse. */
  usage: 2,
  /** The key or the account: no key, a wrong key (401), too few credits (402), a sub-key limit (433), a disabled feature (505). */
  account: 3,
  /** The network or the service: no connection, a timeout, rate limits after retrying, maintenance, a 5xx, a failed download. */
  network: 4,
  /** A create whose outcome is unknown (the request left, no answer came): the task may exist, so it was not sent again. */
  createUnknown: 5,
  /** The wait hit `--timeout`; the task keeps running on kie.ai (`kling wait <id>` resumes). */
  waitTimeout: 6,
  /** Ctrl-C (SIGINT). The task, if created, keeps running and is never cancelled. */
  interrupted: 130,
  /** SIGTERM, handled like Ctrl-C. */
  terminated: 143,
} as const;

/** One of the exit codes above. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
