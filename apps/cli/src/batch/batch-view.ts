/**
 * The progress of a batch for people at a terminal (stderr): one line per job in progress (its
 * phase, or the state timeline, or its download), the finished jobs printed above as they end, and a
 * totals line. Redrawn in place with `log-update`; without a terminal, only the lines that stay.
 */
import { bytes, clock, speed } from '../format';
import type { Output } from '../io';
import type { TaskProgress } from '../task-flow';
import { bar, liveRenderer } from '../task-view';

type Renderer = NonNullable<Awaited<ReturnType<typeof liveRenderer>>>;

interface Row {
  label: string;
  phase: string;
  createdAt?: number;
  states: { state: string; at: number }[];
  typical?: string;
  transfer?: { received: number; total: number | undefined; started: number };
}

/** Totals shown under the rows. */
export interface Totals {
  jobs: number;
  done: number;
  failed: number;
  /** Creates in kie.ai's rate window right now, and its limit. */
  createsInWindow: number;
  createLimit: number;
}

export class BatchView {
  private readonly rows = new Map<number, Row>();
  private totals: Totals | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly out: Output,
    private readonly render: Renderer | undefined,
  ) {
    if (render) {
      this.ticker = setInterval(() => this.redraw(), 250);
      this.ticker.unref();
    }
  }

  static async open(out: Output): Promise<BatchView> {
    return new BatchView(out, await liveRenderer(out));
  }

  /** A line that stays above the live rows. */
  line(text: string): void {
    this.render?.clear();
    this.out.info(text);
    this.redraw();
  }

  /** The row of a job (by line number), and the progress sink for its task. */
  job(line: number, label: string): TaskProgress & { phase(text: string): void; end(): void } {
    const row: Row = { label, phase: 'queued', states: [] };
    this.rows.set(line, row);
    return {
      phase: (text) => {
        row.phase = text;
      },
      started: (createdAt, typical) => {
        row.createdAt = createdAt;
        if (typical !== undefined) {
          row.typical = typical;
        }
      },
      state: (state) => {
        row.states.push({ state, at: Date.now() });
      },
      downloading: (_file, received, total) => {
        row.transfer ??= { received: 0, total, started: Date.now() };
        row.transfer.received = received;
        row.transfer.total = total;
      },
      downloaded: () => {
        delete row.transfer;
      },
      line: (text) => this.line(`${this.out.colors.dim(label)} ${text}`),
      end: () => {
        this.rows.delete(line);
      },
    };
  }

  update(totals: Totals): void {
    this.totals = totals;
  }

  stop(): void {
    clearInterval(this.ticker);
    this.render?.clear();
    this.render?.done();
  }

  private rowText(row: Row): string {
    const { colors } = this.out;
    const now = Date.now();
    if (row.transfer) {
      const { received, total, started } = row.transfer;
      const share = total ? received / total : 0;
      return `${row.label} ${colors.cyan('↓')} ${total ? `${bar(share, 16)} ${Math.floor(share * 100)}% ` : ''}${bytes(received)} · ${speed(received, now - started)}`;
    }
    const last = row.states.at(-1);
    if (!last || row.createdAt === undefined) {
      return `${row.label} ${colors.dim(row.phase)}`;
    }
    const timeline = row.states
      .map(({ state }, index) => (index === row.states.length - 1 ? colors.bold(state) : colors.dim(state)))
      .join(colors.dim(' → '));
    return `${row.label} ${timeline} ${clock(now - row.createdAt)}${row.typical ? colors.dim(` (${row.typical})`) : ''}`;
  }

  private redraw(): void {
    if (!this.render) {
      return;
    }
    const room = Math.max(3, (this.out.io.stderr.rows || 24) - 4);
    const rows = [...this.rows.values()];
    const shown = rows.slice(0, room).map((row) => this.rowText(row));
    if (rows.length > room) {
      shown.push(this.out.colors.dim(`… and ${rows.length - room} more in progress`));
    }
    if (this.totals) {
      const { jobs, done, failed, createsInWindow, createLimit } = this.totals;
      shown.push(
        `${this.out.colors.bold(`${done}/${jobs} done`)}${failed ? this.out.colors.red(` · ${failed} failed`) : ''} · ${rows.length} in progress · creates ${createsInWindow}/${createLimit} in the rate window`,
      );
    }
    this.render(shown.join('\n'));
  }
}
