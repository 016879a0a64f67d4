/**
 * The journal of `kling batch`: `<jobs file>.journal` beside the jobs file, one JSON line per event,
 * appended and written through to the file before the request it announces is sent (`creating` and
 * `created` are also fsync'ed). Replaying it tells each job's state after any stop, Ctrl-C, a crash or
 * `kill -9`: finished jobs are skipped, created ones are waited for again, and a job whose create
 * was sent but never answered is known to be "unknown", so it is not created twice by accident.
 * A lock file (`<journal>.lock`, with the pid) keeps two runs off the same journal.
 */
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { usageError } from '../errors';

/** What every journal line has. */
interface Base {
  /** Unix ms. */
  t: number;
  /** The job's key (content hash and occurrence) and its line in the jobs file then. */
  job: string;
  line: number;
}

/** One line of the journal. */
export type JournalEntry =
  | { t: number; event: 'run'; pid: number; jobs: number; version: string }
  | (Base & { event: 'uploaded'; path: string; size: number; mtimeMs: number; url: string })
  | (Base & { event: 'creating'; model: string; credits: number })
  | (Base & { event: 'created'; taskId: string; model: string })
  | (Base & { event: 'create-rejected'; code: number | string; message: string })
  | (Base & { event: 'create-unknown'; message: string })
  | (Base & { event: 'state'; taskId: string; state: string })
  | (Base & { event: 'succeeded'; taskId: string; resultUrls: string[] })
  | (Base & { event: 'failed'; taskId: string; failCode: string | null; failMsg: string | null })
  | (Base & { event: 'downloaded'; taskId: string; paths: string[]; bytes: number })
  | (Base & { event: 'download-failed'; taskId: string; message: string });

/** An entry without its time (the journal stamps it). */
export type NewEntry = JournalEntry extends infer E ? (E extends JournalEntry ? Omit<E, 't'> : never) : never;

/** A job's state, as the journal tells it. */
export interface JobRecord {
  status: 'new' | 'unknown' | 'rejected' | 'created' | 'succeeded' | 'failed' | 'downloaded';
  taskId?: string;
  model?: string;
  /** When the create was answered (the task's handle), or sent when unanswered. */
  createdAt?: number;
  sentAt?: number;
  credits?: number;
  state?: string;
  resultUrls?: string[];
  paths?: string[];
  /** Why it was rejected, failed, or is unknown. */
  reason?: string;
}

/** An upload an earlier run made, reusable while the file is unchanged. */
export interface UploadRecord {
  path: string;
  size: number;
  mtimeMs: number;
  url: string;
  t: number;
}

/** Folds the journal's entries into each job's state (keyed by job key). */
export function replay(entries: readonly JournalEntry[]): {
  jobs: Map<string, JobRecord>;
  uploads: UploadRecord[];
  createTimes: number[];
} {
  const jobs = new Map<string, JobRecord>();
  const uploads: UploadRecord[] = [];
  const createTimes: number[] = [];
  const sentAt = new Map<string, number>();
  let last = 0;
  for (const entry of entries) {
    last = Math.max(last, entry.t);
    if (entry.event === 'run') {
      continue;
    }
    const record = jobs.get(entry.job) ?? { status: 'new' };
    jobs.set(entry.job, record);
    switch (entry.event) {
      case 'uploaded':
        uploads.push({
          path: entry.path,
          size: entry.size,
          mtimeMs: entry.mtimeMs,
          url: entry.url,
          t: entry.t,
        });
        break;
      case 'creating':
        Object.assign(record, {
          status: 'unknown',
          sentAt: entry.t,
          credits: entry.credits,
          model: entry.model,
        });
        record.reason = 'the create request was sent, and no answer was recorded';
        delete record.taskId;
        sentAt.set(entry.job, entry.t);
        break;
      case 'created':
        Object.assign(record, {
          status: 'created',
          taskId: entry.taskId,
          model: entry.model,
          createdAt: entry.t,
        });
        delete record.reason;
        createTimes.push(entry.t);
        sentAt.delete(entry.job);
        break;
      case 'create-rejected':
        Object.assign(record, { status: 'rejected', reason: entry.message });
        createTimes.push(entry.t);
        sentAt.delete(entry.job);
        break;
      case 'create-unknown':
        Object.assign(record, { status: 'unknown', reason: entry.message });
        createTimes.push(entry.t);
        sentAt.delete(entry.job);
        break;
      case 'state':
        record.state = entry.state;
        break;
      case 'succeeded':
        Object.assign(record, { status: 'succeeded', resultUrls: entry.resultUrls });
        break;
      case 'failed':
        Object.assign(record, {
          status: 'failed',
          reason: `task ${entry.taskId} failed${entry.failCode ? ` (${entry.failCode})` : ''}${entry.failMsg ? `: ${entry.failMsg}` : ''}`,
        });
        break;
      case 'downloaded':
        Object.assign(record, { status: 'downloaded', paths: entry.paths });
        break;
      case 'download-failed':
        record.reason = entry.message;
        break;
    }
  }
  // A create sent and never answered may have been counted by kie.ai as late as the run lived: it
  // counts in the rate window from the journal's last entry.
  createTimes.push(...[...sentAt.values()].map((sent) => Math.max(sent, last)));
  return { jobs, uploads, createTimes };
}

/** Reads a journal; a torn last line (the process was killed mid-write) is ignored. */
export function readJournal(path: string): JournalEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      return [];
    }
    throw error;
  }
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // only the last line can be torn; anything else unreadable is skipped the same way
    }
  }
  return entries;
}

/** Whether a process with this pid is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** The journal, open for appending, with its lock held. */
export class Journal {
  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly lock: string,
  ) {}

  /** Takes the lock (or throws a usage error naming the run that holds it) and opens the journal. */
  static open(path: string): Journal {
    const lock = `${path}.lock`;
    for (let attempt = 0; ; attempt++) {
      try {
        writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST' || attempt > 0) {
          throw error;
        }
        const holder = Number.parseInt(readFileSync(lock, 'utf8'), 10);
        if (Number.isSafeInteger(holder) && holder !== process.pid && alive(holder)) {
          throw usageError(
            `another kling batch (pid ${holder}) is running these jobs`,
            `wait for it, or stop it; ${lock} is its lock`,
          );
        }
        rmSync(lock, { force: true }); // left by a run that was killed
      }
    }
    return new Journal(path, openSync(path, 'a'), lock);
  }

  /** Appends an entry; `sync` also flushes it to disk (before a create is sent, and once it is known). */
  append(entry: NewEntry, sync = false): void {
    const { event, ...fields } = entry;
    writeSync(this.fd, `${JSON.stringify({ event, t: Date.now(), ...fields })}\n`);
    if (sync) {
      fsyncSync(this.fd);
    }
  }

  /** Closes the journal and releases the lock. */
  close(): void {
    closeSync(this.fd);
    rmSync(this.lock, { force: true });
  }
}
