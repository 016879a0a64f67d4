/** The end of a batch: the table for people, the `summary` event, and the exit code. */
import type { SummaryEvent } from '../events';
import { EXIT_CODES } from '../exit-codes';
import { credits as formatCredits } from '../format';
import type { Job } from './jobs';
import type { Result } from './plan';

export type Summary = Omit<SummaryEvent, 'event' | 'exitCode'>;

export function summarize(
  jobs: readonly Job[],
  results: ReadonlyMap<Job, Result>,
  created: { tasks: number; credits: number },
): Summary {
  const count = (outcome: Result['outcome']) =>
    jobs.filter((job) => (results.get(job)?.outcome ?? 'pending') === outcome).length;
  return {
    jobs: jobs.length,
    succeeded: count('done'),
    failed: count('failed'),
    unknown: count('unknown'),
    pending: count('pending'),
    created: created.tasks,
    credits: created.credits,
  };
}

/**
 * 0 only when every job succeeded; otherwise the interruption (130/143), kie.ai refusing the key or
 * the account (3), a failed job (1), an unknown create outcome (5), jobs left undone (1).
 */
export function exitCodeOf(
  summary: Summary,
  signalled: 'SIGINT' | 'SIGTERM' | undefined,
  refused: number | undefined,
): number {
  if (signalled) {
    return signalled === 'SIGINT' ? EXIT_CODES.interrupted : EXIT_CODES.terminated;
  }
  if (refused !== undefined) {
    return refused;
  }
  if (summary.failed > 0) {
    return EXIT_CODES.taskFailed;
  }
  if (summary.unknown > 0) {
    return EXIT_CODES.createUnknown;
  }
  return summary.pending > 0 ? EXIT_CODES.taskFailed : EXIT_CODES.ok;
}

/** The table: one row per job (line, id, result, task, file or reason), then the totals. */
export function summaryTable(
  jobs: readonly Job[],
  results: ReadonlyMap<Job, Result>,
  summary: Summary,
  shown: (path: string) => string,
): string {
  const cells = jobs.map((job) => {
    const result = results.get(job) ?? { outcome: 'pending' as const };
    return [
      String(job.line),
      job.id ?? '',
      result.skipped ? 'done (earlier)' : result.outcome,
      result.taskId ?? '',
      result.outcome === 'done'
        ? shown(result.paths?.[0] ?? '')
        : ((result.reason ?? '').split('\n')[0] ?? ''),
    ];
  });
  const header = ['line', 'id', 'result', 'task', 'file or reason'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => (cell[column] as string).length)),
  );
  const format = (cell: string[]) =>
    cell
      .map((text, column) => (column === cell.length - 1 ? text : text.padEnd(widths[column] as number)))
      .join('  ');
  const { succeeded, failed, unknown, pending, created, credits } = summary;
  return [
    format(header),
    ...cells.map(format),
    `${succeeded}/${summary.jobs} done, ${failed} failed, ${unknown} unknown, ${pending} left; ` +
      `${created} task${created === 1 ? '' : 's'} created by this run (≈ ${formatCredits(credits)} credits on success)`,
  ].join('\n');
}
