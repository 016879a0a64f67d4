/**
 * The progress of one task for people at a terminal, on stderr: the state timeline (waiting →
 * queuing → generating) with how long each took, the time since creation, the typical time for this
 * model and length, then a download bar with bytes and speed. Redrawn in place with `log-update`
 * when stderr is a terminal; one line per change otherwise; nothing in quiet or JSON mode.
 */
import { bytes, clock, speed } from './format';
import type { CliStream, Output } from './io';

/** log-update's renderer (loaded only when a terminal is watching). */
type Renderer = ((...text: string[]) => void) & { clear(): void; done(): void };

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const TICK_MS = 120;

/** A stream for log-update that writes through `Output` (so the key is masked even there). */
function maskedStream(out: Output): CliStream & NodeJS.WriteStream {
  const stderr = out.io.stderr;
  return {
    write: (chunk: string) => {
      out.stderr(String(chunk));
      return true;
    },
    get isTTY() {
      return stderr.isTTY;
    },
    get columns() {
      return stderr.columns || 80;
    },
    get rows() {
      return stderr.rows || 24;
    },
    on: () => undefined,
    once: () => undefined,
    off: () => undefined,
    removeListener: () => undefined,
  } as unknown as CliStream & NodeJS.WriteStream;
}

/** Loads log-update for a live view (a terminal on stderr), else undefined. */
export async function liveRenderer(out: Output): Promise<Renderer | undefined> {
  if (!out.live) {
    return undefined;
  }
  const { createLogUpdate } = await import('log-update');
  return createLogUpdate(maskedStream(out), { showCursor: false }) as unknown as Renderer;
}

/** A progress bar `[██████░░░░]` of `width` cells. */
export function bar(share: number, width: number): string {
  const cells = Math.max(0, Math.min(width, Math.round(share * width)));
  return `${'█'.repeat(cells)}${'░'.repeat(width - cells)}`;
}

export class TaskView {
  private states: { state: string; at: number }[] = [];
  private createdAt: number | undefined;
  private typical: string | undefined;
  private transfer:
    | { received: number; total: number | undefined; started: number; file: string }
    | undefined;
  private notice: string | undefined;
  private frame = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly out: Output,
    private readonly render: Renderer | undefined,
  ) {}

  static async open(out: Output): Promise<TaskView> {
    return new TaskView(out, await liveRenderer(out));
  }

  /** A line that stays (above the live area). */
  line(text: string): void {
    this.render?.clear();
    this.out.info(text);
    this.redraw();
  }

  /** The task exists from `createdAt` (Unix ms); `typical` says how long such a task usually takes. */
  started(createdAt: number, typical?: string): void {
    this.createdAt = createdAt;
    this.typical = typical;
    if (this.render && !this.ticker) {
      this.ticker = setInterval(() => this.redraw(), TICK_MS);
      this.ticker.unref();
    }
    this.redraw();
  }

  /** A state seen by a poll. */
  state(state: string): void {
    const at = Date.now();
    this.states.push({ state, at });
    this.notice = undefined; // a poll answered: a retry note is over
    if (!this.render) {
      this.out.info(`  ${state} ${this.out.colors.dim(clock(at - (this.createdAt ?? at)))}`);
    }
    this.redraw();
  }

  /** A transient note under the timeline (a rate-limit retry), or none. */
  note(text: string | undefined): void {
    this.notice = text;
    this.redraw();
  }

  /** Bytes of a result arriving. */
  downloading(file: string, received: number, total: number | undefined): void {
    this.transfer ??= { received: 0, total, started: Date.now(), file };
    this.transfer.received = received;
    this.transfer.total = total;
  }

  /** The download is over (the bar goes). */
  downloaded(): void {
    this.transfer = undefined;
    this.redraw();
  }

  /** Clears the live area and stops redrawing. */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.render?.clear();
    this.render?.done();
  }

  private timeline(): string {
    const { colors } = this.out;
    const now = Date.now();
    const parts = this.states.map(({ state, at }, index) => {
      const next = this.states[index + 1];
      const since = index === 0 ? (this.createdAt ?? at) : at;
      const took = clock((next?.at ?? now) - since);
      if (!next) {
        return state === 'success' || state === 'fail' ? colors.bold(state) : `${colors.bold(state)} ${took}`;
      }
      return `${colors.dim(state)} ${colors.dim(took)}`;
    });
    const spinner = colors.cyan(FRAMES[this.frame % FRAMES.length] ?? '');
    const elapsed = this.createdAt === undefined ? '' : `${clock(now - this.createdAt)} elapsed`;
    const typical = this.typical ? colors.dim(`, ${this.typical}`) : '';
    return `${spinner} ${parts.join(colors.dim(' → ')) || 'waiting for the first poll'} ${colors.dim('·')} ${elapsed}${typical}`;
  }

  private downloadLine(): string {
    const transfer = this.transfer as NonNullable<TaskView['transfer']>;
    const { colors } = this.out;
    const ms = Date.now() - transfer.started;
    const rate = speed(transfer.received, ms);
    if (transfer.total === undefined || transfer.total === 0) {
      return `${colors.cyan('↓')} ${transfer.file} ${bytes(transfer.received)} · ${rate}`;
    }
    const share = transfer.received / transfer.total;
    const width = Math.max(10, Math.min(30, (this.out.io.stderr.columns || 80) - 60));
    return `${colors.cyan('↓')} ${bar(share, width)} ${String(Math.floor(share * 100)).padStart(3)}% ${bytes(transfer.received)} of ${bytes(transfer.total)} · ${rate}`;
  }

  private redraw(): void {
    if (!this.render || this.createdAt === undefined) {
      return;
    }
    this.frame++;
    const lines = [this.transfer ? this.downloadLine() : this.timeline()];
    if (this.notice) {
      lines.push(`  ${this.out.colors.yellow(this.notice)}`);
    }
    this.render(lines.join('\n'));
  }
}
