/**
 * `kling batch` end to end: a real kling-mock with kie.ai's rate limits on, the built binary killed
 * with SIGKILL mid-run and run again; the journal makes the rerun finish without paying twice.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RATE_LIMITS } from '@kling-kit/contract';
import { parseTiming } from '@kling-kit/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kling, type Mock, start, startMock, workspace } from './harness';

let mock: Mock;
let space: ReturnType<typeof workspace>;
const env = () => ({ KIE_BASE_URL: mock.url });

beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  space?.remove();
  mock.server.admin.reset();
  mock.server.admin.configure({ timing: 'fast', failRate: 0 });
  mock.log.length = 0;
});

const jobsFile = (count: number, line: (index: number) => object) =>
  `${Array.from({ length: count }, (_, index) => JSON.stringify(line(index + 1))).join('\n')}\n`;

const count = (stdout: string, name: string) =>
  stdout.split('\n').filter((line) => line.startsWith(`{"event":"${name}"`)).length;

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error('timed out');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('kling batch', () => {
  it('30 jobs killed with SIGKILL mid-run and rerun: exactly 30 tasks, 30 files, no 429', async () => {
    space = workspace();
    space.write(
      'jobs.jsonl',
      jobsFile(30, (index) => ({
        id: `shot-${index}`,
        prompt: `Shot ${index}`,
        image: 'photo.png',
        out: `shot-${index}.mp4`,
      })),
    );
    const args = ['batch', 'jobs.jsonl', '--out-dir', 'videos', '--json'];
    const first = start(args, { cwd: space.dir, env: env() });
    // The rate window is full after the first 20 creates: the next ones wait for it, and the run is killed then.
    await until(() => count(first.output.stdout, 'created') >= RATE_LIMITS.createTask.limit);
    await until(() => count(first.output.stdout, 'done') >= 3);

    // A second run on the same jobs is refused while the first holds the journal.
    const second = await kling(args, { cwd: space.dir, env: env() });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`another kling batch (pid ${first.child.pid}) is running these jobs`);

    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const createdBefore = mock.calls('createTask').length;
    expect(createdBefore).toBe(RATE_LIMITS.createTask.limit);
    const doneBefore = count(killed.stdout, 'done');

    const rerun = await kling(args, { cwd: space.dir, env: env() });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(mock.calls('createTask')).toHaveLength(30);
    expect(mock.server.admin.tasks()).toHaveLength(30);
    expect(mock.log.filter((line) => line.status === 429)).toEqual([]);
    const summary = rerun.events.at(-1);
    expect(summary).toMatchObject({
      event: 'summary',
      jobs: 30,
      succeeded: 30,
      failed: 0,
      unknown: 0,
      created: 10,
    });
    expect(rerun.events.filter((event) => event.event === 'done' && event.skipped)).toHaveLength(doneBefore);

    const files = readdirSync(join(space.dir, 'videos')).sort();
    expect(files).toEqual(Array.from({ length: 30 }, (_, index) => `shot-${index + 1}.mp4`).sort());
    // Each file is its own task's result, whole.
    const tasks = new Map(mock.server.admin.tasks().map((task) => [task.taskId, task]));
    const dones = [...killed.events, ...rerun.events].filter((event) => event.event === 'done');
    for (const done of dones) {
      const task = tasks.get(String(done.taskId));
      const url = JSON.parse(task?.record.resultJson ?? '{}').resultUrls[0] as string;
      const served = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(readFileSync((done.paths as string[])[0] as string).equals(served)).toBe(true);
    }
    expect(new Set(dones.map((done) => done.job)).size).toBe(30);
  });

  it('does not create again a job whose create outcome is unknown, unless --retry-unknown', async () => {
    space = workspace();
    space.write(
      'jobs.jsonl',
      jobsFile(1, () => ({ prompt: 'A lighthouse', image: 'https://example.com/a.png', out: 'a.mp4' })),
    );
    mock.server.admin.addFault({ operation: 'createTask', delayMs: 5_000 });
    const first = start(['batch', 'jobs.jsonl'], { cwd: space.dir, env: env() });
    const journal = join(space.dir, 'jobs.jsonl.journal');
    await until(() => existsSync(journal) && readFileSync(journal, 'utf8').includes('"event":"creating"'));
    await until(() => mock.server.admin.faults().length === 0); // the request is at the mock, held by the fault
    first.child.kill('SIGKILL');
    await first.done;
    mock.server.admin.clearFaults();
    await until(() => mock.calls('createTask').length === 1); // logged when the connection closed

    const held = await kling(['batch', 'jobs.jsonl'], { cwd: space.dir, env: env() });
    expect(held.code).toBe(5);
    expect(held.stderr).toContain(
      '1 job was sent to kie.ai by an earlier run that stopped before the answer came (line 1)',
    );
    expect(held.stderr).toContain('cost up to 50 credits');
    expect(held.stderr).toContain('--retry-unknown');
    expect(held.events.at(-1)).toMatchObject({ event: 'summary', unknown: 1, created: 0, exitCode: 5 });
    expect(mock.calls('createTask')).toHaveLength(1);

    const retried = await kling(['batch', 'jobs.jsonl', '--retry-unknown'], { cwd: space.dir, env: env() });
    expect(retried.code).toBe(0);
    expect(mock.calls('createTask')).toHaveLength(2);
    expect(existsSync(join(space.dir, 'a.mp4'))).toBe(true);
  });

  it('keeps failed jobs failed on a rerun, and --retry-failed creates them again', async () => {
    space = workspace();
    space.write(
      'jobs.jsonl',
      jobsFile(3, (index) => ({ id: `j${index}`, prompt: `Shot ${index}`, image: 'photo.png' })),
    );
    mock.server.admin.configure({ timing: parseTiming('waiting=100,queuing=100,generating=300') });
    mock.server.admin.addFault({
      operation: 'createTask',
      code: 422,
      msg: 'input.prompt: scripted rejection',
      after: 1,
    });
    const first = await kling(['batch', 'jobs.jsonl', '-q'], { cwd: space.dir, env: env() });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/2\s+j2\s+failed\s+kie\.ai answered 422/);
    expect(first.stdout).toContain(
      '2/3 done, 1 failed, 0 unknown, 0 left; 2 tasks created by this run (≈ 100 credits on success)',
    );
    expect(mock.calls('createTask')).toHaveLength(3);

    const again = await kling(['batch', 'jobs.jsonl', '-q'], { cwd: space.dir, env: env() });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/1\s+j1\s+done \(earlier\)/);
    expect(mock.calls('createTask')).toHaveLength(3);

    const retried = await kling(['batch', 'jobs.jsonl', '-q', '--retry-failed'], {
      cwd: space.dir,
      env: env(),
    });
    expect(retried.code).toBe(0);
    expect(mock.calls('createTask')).toHaveLength(4);
    expect(readdirSync(space.dir).filter((name) => name.endsWith('.mp4'))).toHaveLength(3);
  });

  it('checks every line first and starts nothing when one is wrong', async () => {
    space = workspace();
    space.write(
      'jobs.jsonl',
      [
        JSON.stringify({ prompt: 'ok', image: 'photo.png' }),
        'not json',
        JSON.stringify({ prompt: 'x', image: 'missing.png', duration: 7 }),
        JSON.stringify({ model: 'kling/v9', prompt: 'x' }),
        JSON.stringify({ prompt: 'x', image: 'photo.png', colour: 'red' }),
      ].join('\n'),
    );
    const result = await kling(['batch', 'jobs.jsonl'], { cwd: space.dir, env: env() });
    expect(result.code).toBe(2);
    for (const text of [
      'line 2: not JSON',
      "line 3: the input breaks kling/v2-1-pro's rules",
      'input.duration: must be one of "5", "10"',
      'line 4: unknown model "kling/v9"',
      'line 5: unknown field "colour" for kling/v2-1-pro',
    ]) {
      expect(result.stderr).toContain(text);
    }
    expect(mock.log).toEqual([]);
    expect(existsSync(join(space.dir, 'jobs.jsonl.journal'))).toBe(false);
  });
});
