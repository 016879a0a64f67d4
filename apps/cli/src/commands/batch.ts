/**
 * `kling batch jobs.jsonl`: every line a generation. Creates stay within kie.ai's create limit (read
 * from the contract), every wait shares the client's one poll scheduler, results are downloaded as
 * they finish, and a summary table ends it; exit 0 only when every job succeeded. The journal
 * (`jobs.jsonl.journal`) makes a rerun of the same command after Ctrl-C, a crash or `kill -9` skip
 * what is done, wait again for what was created, and never create twice a job whose create outcome
 * is unknown unless `--retry-unknown` says so (`--retry-failed` re-creates failed jobs).
 */
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { RATE_LIMITS } from '@kling-kit/contract';
import { BatchView } from '../batch/batch-view';
import { CreateLimiter } from '../batch/create-limiter';
import { type Job, readJobs } from '../batch/jobs';
import { Journal, readJournal, replay } from '../batch/journal';
import { decide, type Plan, type Result, type RetryOptions } from '../batch/plan';
import { type BatchRun, jobRef, runJob } from '../batch/run-job';
import { exitCodeOf, summarize, summaryTable } from '../batch/summary';
import { reportError } from '../command';
import { interrupted, usageError } from '../errors';
import { EXIT_CODES } from '../exit-codes';
import { credits as formatCredits } from '../format';
import { type CliIo, Output } from '../io';
import { type CommonOptions, openSession, type Session } from '../session';
import { shownPath } from '../task-flow';

export interface BatchOptions extends CommonOptions, RetryOptions {
  concurrency?: string;
  outDir?: string;
}

/** The jobs in progress at once by default (kie.ai usually allows 100+ running tasks per account). */
export const DEFAULT_CONCURRENCY = 50;

/** The jobs held back from an earlier run: an `error` event each, and one warning for the unknown ones. */
function reportHeld(out: Output, plans: readonly Plan[], results: Map<Job, Result>): void {
  const unknown = plans.filter((plan) => plan.action === 'hold' && plan.record.status === 'unknown');
  if (unknown.length > 0) {
    const cost = unknown.reduce((sum, plan) => sum + (plan.record.credits ?? plan.job.credits), 0);
    const lines = unknown.map((plan) => plan.job.line).join(', ');
    // On stderr in every mode: these jobs may be paid for already.
    out.error(
      out.colors.yellow(
        `kling: ${unknown.length} job${unknown.length > 1 ? 's were' : ' was'} sent to kie.ai by an earlier run that stopped before the answer came (line ${lines}): ` +
          `they may exist and cost up to ${formatCredits(cost)} credits, so they are not created again. Check your kie.ai task list; --retry-unknown creates them anyway.`,
      ),
    );
  }
  for (const plan of plans) {
    if (plan.action !== 'hold') {
      continue;
    }
    const isUnknown = plan.record.status === 'unknown';
    const exitCode = isUnknown ? EXIT_CODES.createUnknown : EXIT_CODES.taskFailed;
    const reason = plan.record.reason ?? '';
    results.set(plan.job, {
      outcome: isUnknown ? 'unknown' : 'failed',
      taskId: plan.record.taskId,
      reason,
      exitCode,
    });
    out.event({
      event: 'error',
      exitCode,
      code: isUnknown ? 'create-unknown' : 'failed-earlier',
      message: reason,
      hint: isUnknown
        ? `its create outcome is unknown; it may cost ≈ ${formatCredits(plan.record.credits ?? plan.job.credits)} credits: check your kie.ai task list; --retry-unknown creates it again`
        : 'it failed in an earlier run; --retry-failed creates it again',
      ...jobRef(plan.job),
    });
  }
}

export async function batch(io: CliIo, file: string, options: BatchOptions): Promise<number> {
  const out = new Output(io, options);
  let session: Session | undefined;
  let journal: Journal | undefined;
  let view: BatchView | undefined;
  const stop = new AbortController();
  const creates = new AbortController();
  const quit = new AbortController();
  // Every job in progress listens to these: as many listeners as jobs is expected.
  setMaxListeners(0, stop.signal, creates.signal, quit.signal);
  let signalled: 'SIGINT' | 'SIGTERM' | undefined;
  let refused: number | undefined;
  const offSignal = io.onSignal((signal) => {
    if (signalled) {
      quit.abort();
      return;
    }
    signalled = signal;
    out.error(
      'kling: stopping: no new jobs; creates already sent are awaited and recorded (Ctrl-C again to quit now)',
    );
    creates.abort();
    stop.abort();
  });
  try {
    const concurrency = Number(options.concurrency ?? DEFAULT_CONCURRENCY);
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw usageError(`--concurrency ${options.concurrency}: not a positive whole number`);
    }
    const jobsPath = resolve(io.cwd, file);
    const jobs = await readJobs(jobsPath);
    journal = Journal.open(`${jobsPath}.journal`);
    const history = replay(readJournal(journal.path));
    const plans: Plan[] = jobs.map((job) => {
      const record = history.jobs.get(job.key) ?? { status: 'new' };
      return { job, record, action: decide(record, options) };
    });
    session = await openSession(io, options, out, { creates: true });
    const results = new Map<Job, Result>();
    for (const plan of plans.filter((candidate) => candidate.action === 'skip')) {
      const { taskId = '', paths = [] } = plan.record;
      results.set(plan.job, { outcome: 'done', taskId, paths, skipped: true });
      out.event({ event: 'done', taskId, paths, skipped: true, ...jobRef(plan.job) });
    }
    reportHeld(out, plans, results);
    view = await BatchView.open(out);
    const limiter = new CreateLimiter(
      RATE_LIMITS.createTask.limit,
      RATE_LIMITS.createTask.windowMs,
      history.createTimes,
    );
    const created = { tasks: 0, credits: 0 };
    const run: BatchRun = {
      session,
      out,
      journal,
      view,
      limiter,
      outDir: resolve(io.cwd, options.outDir ?? '.'),
      stop: stop.signal,
      creates: creates.signal,
      quit: quit.signal,
      // Not in --mock mode: that mock is gone, and its files with it.
      earlierUploads: session.mock ? [] : history.uploads,
      uploads: new Map(),
      refused(exitCode) {
        refused ??= exitCode;
        creates.abort();
      },
      created(credits) {
        created.tasks++;
        created.credits += credits;
      },
    };
    journal.append({ event: 'run', pid: process.pid, jobs: jobs.length, version: '1' });

    const totals = () => {
      const values = [...results.values()];
      view?.update({
        jobs: jobs.length,
        done: values.filter((result) => result.outcome === 'done').length,
        failed: values.filter((result) => result.outcome === 'failed').length,
        createsInWindow: limiter.inWindow(),
        createLimit: limiter.limit,
      });
    };
    const queue = plans.filter((plan) => plan.action !== 'skip' && plan.action !== 'hold');
    let next = 0;
    const worker = async () => {
      while (!stop.signal.aborted && next < queue.length) {
        const plan = queue[next++] as Plan;
        const result = await runJob(run, plan);
        results.set(plan.job, result);
        totals();
        const { colors } = out;
        view?.line(
          result.outcome === 'done'
            ? `${colors.green('✔')} line ${plan.job.line} → ${shownPath(io.cwd, result.paths?.[0] ?? '')}`
            : result.outcome === 'pending'
              ? `${colors.yellow('…')} line ${plan.job.line}: left for the next run`
              : `${colors.red('✖')} line ${plan.job.line}: ${result.reason ?? result.outcome}`,
        );
      }
    };
    totals();
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(queue.length, 1)) }, worker));
    view.stop();

    const summary = summarize(jobs, results, created);
    const exitCode = exitCodeOf(summary, signalled, refused);
    if (out.mode !== 'json') {
      out.result(summaryTable(jobs, results, summary, (path) => shownPath(io.cwd, path)));
    }
    out.event({ event: 'summary', ...summary, exitCode });
    if (signalled) {
      out.error(
        'kling: interrupted: rerun the same command to resume (finished jobs are skipped, created ones are waited for)',
      );
    }
    return exitCode;
  } catch (error) {
    view?.stop();
    return reportError(out, signalled ? interrupted(signalled, 'interrupted') : error);
  } finally {
    offSignal();
    journal?.close();
    await session?.close();
  }
}
