/**
 * `--record DIR`: writes each proxied exchange to the session's cassette in DIR (format in
 * `cassette.ts`), and per task the time each state was first seen. The file is written to a
 * temporary name and renamed, so a reader never sees half a cassette.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASSETTE_FORMAT, CASSETTE_VERSION, type Cassette, MAX_STATE_LENGTH, taskOf } from './cassette';
import type { Exchange } from './exchange';

/** Exchanges one session records at most (the file is rewritten after each). */
export const MAX_RECORDED_EXCHANGES = 10_000;

/** The target as recorded: no credentials, query or fragment. */
function publicTarget(target: string): string {
  const url = new URL(target);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export class CassetteRecorder {
  /** The cassette file of this session. */
  readonly file: string;
  private readonly cassette: Cassette;
  private full = false;
  private failed = false;

  constructor(
    dir: string,
    meta: { target: string; version: string; startedAt: number },
    private readonly warn: (line: string) => void,
  ) {
    mkdirSync(dir, { recursive: true });
    const stamp = new Date(meta.startedAt).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    this.file = join(dir, `session-${stamp}-${randomBytes(3).toString('hex')}.json`);
    this.cassette = {
      format: CASSETTE_FORMAT,
      version: CASSETTE_VERSION,
      recordedWith: `kling-mock ${meta.version}`,
      target: publicTarget(meta.target),
      startedAt: meta.startedAt,
      exchanges: [],
      tasks: {},
    };
  }

  /** Adds one (already redacted) exchange and rewrites the file. Never throws. */
  add(exchange: Exchange): void {
    if (this.cassette.exchanges.length >= MAX_RECORDED_EXCHANGES) {
      if (!this.full) {
        this.full = true;
        this.warn(`kling-mock: record: ${MAX_RECORDED_EXCHANGES} exchanges recorded; later ones are not`);
      }
      return;
    }
    this.cassette.exchanges.push({ seq: this.cassette.exchanges.length + 1, ...exchange });
    this.noteTask(exchange);
    this.write();
  }

  private noteTask(exchange: Exchange): void {
    const task = taskOf(exchange);
    if (!task) {
      return;
    }
    const tasks = this.cassette.tasks;
    if (!Object.hasOwn(tasks, task.taskId)) {
      Object.defineProperty(tasks, task.taskId, {
        value: { createdAt: exchange.at, timeline: [] },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    const entry = tasks[task.taskId];
    const state = task.state;
    if (!entry || state === undefined || state.length > MAX_STATE_LENGTH) {
      return;
    }
    if (!entry.timeline.some((seen) => seen.state === state)) {
      entry.timeline.push({ state, afterMs: Math.max(0, exchange.at - entry.createdAt) });
    }
  }

  private write(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(this.cassette, null, 2)}\n`);
      renameSync(temporary, this.file);
      this.failed = false;
    } catch (error) {
      if (!this.failed) {
        this.failed = true;
        this.warn(
          `kling-mock: record: could not write ${this.file}: ${error instanceof Error ? error.message : 'error'}`,
        );
      }
    }
  }
}
