/**
 * What people see on a terminal, drawn by log-update through `Output` (no escape code written by
 * hand), and `run()` in-process on an injected `CliIo`.
 */
import { describe, expect, it } from 'vitest';
import { BatchView } from '../../src/batch/batch-view';
import { type CliIo, Output } from '../../src/io';
import { run } from '../../src/run';
import { TaskView } from '../../src/task-view';

function fakeIo(options: {
  tty: boolean;
  env?: Record<string, string>;
}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (sink: string[]) => ({
    write: (chunk: string) => sink.push(chunk),
    isTTY: options.tty,
    columns: 100,
    rows: 30,
  });
  return {
    out,
    err,
    stdout: stream(out),
    stderr: stream(err),
    env: options.env ?? {},
    cwd: process.cwd(),
    onSignal: () => () => {},
  };
}

const ESC = String.fromCharCode(27);
const plain = (text: string) => text.replace(new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g'), '');

describe('the task view on a terminal', () => {
  it('draws the state timeline, the typical time and then a download bar with bytes and speed', async () => {
    const io = fakeIo({ tty: true, env: { FORCE_COLOR: '1' } });
    const out = new Output(io, {});
    const view = await TaskView.open(out);
    view.line('created task t1');
    view.started(Date.now() - 65_000, 'typically ~1:50 for a 5 s video');
    view.state('waiting');
    view.state('generating');
    const timeline = plain(io.err.join(''));
    expect(timeline).toContain('created task t1');
    expect(timeline).toMatch(
      /waiting 1:05 → generating 0:00 · 1:05 elapsed, typically ~1:50 for a 5 s video/,
    );
    view.downloading('clip.mp4', 2_500_000, 10_000_000);
    view.state('success'); // redraws
    expect(plain(io.err.join(''))).toMatch(/↓ █+░+ {2}25% 2.50 MB of 10.0 MB · [\d.]+ [kMG]?B\/s/);
    expect(io.err.join('')).toContain(`${ESC}[`); // coloured and redrawn: a terminal
    view.stop();
    expect(io.out).toEqual([]);
  });

  it('uses no colour with NO_COLOR, and draws nothing live off a terminal', async () => {
    const noColor = fakeIo({ tty: true, env: { NO_COLOR: '1' } });
    const view = await TaskView.open(new Output(noColor, {}));
    view.line('created task t1');
    expect(noColor.err.join('')).toBe('created task t1\n');
    view.stop();

    const piped = fakeIo({ tty: false });
    const quiet = await TaskView.open(new Output(piped, {}));
    quiet.started(Date.now(), undefined);
    quiet.state('waiting');
    quiet.stop();
    expect(piped.err).toEqual([]); // off a terminal, events go to stdout as JSON instead
  });

  it('shows one row per job in progress and the totals', async () => {
    const io = fakeIo({ tty: true });
    const view = await BatchView.open(new Output(io, {}));
    const first = view.job(1, 'line 1 boat');
    const second = view.job(2, 'line 2 fox');
    first.started(Date.now() - 3_000);
    first.state('queuing');
    second.phase('waiting for a create slot');
    view.update({ jobs: 30, done: 4, failed: 1, createsInWindow: 20, createLimit: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const screen = plain(io.err.join(''));
    expect(screen).toContain('line 1 boat queuing 0:03');
    expect(screen).toContain('line 2 fox waiting for a create slot');
    expect(screen).toContain('4/30 done · 1 failed · 2 in progress · creates 20/20 in the rate window');
    view.stop();
  });
});

describe('run() in-process', () => {
  it('prints help and the catalog, and says what is wrong with a command line', async () => {
    const help = fakeIo({ tty: false });
    expect(await run(['--help'], help)).toBe(0);
    expect(help.out.join('')).toContain('Usage: kling [options] [command]');

    const models = fakeIo({ tty: false });
    expect(await run(['models', '--json'], models)).toBe(0);
    const lines = models.out
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(19);
    expect(lines[0]).toMatchObject({ id: 'kling/v2-1-pro', kind: 'image-to-video', durations: ['5', '10'] });

    const wrong = fakeIo({ tty: false });
    expect(await run(['generate', '--duration'], wrong)).toBe(2);
    expect(wrong.err.join('')).toContain("kling: option '--duration <value>' argument missing");
  });
});
