import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, type JournalEntry, readJournal, replay } from '../../src/batch/journal';

const dirs: string[] = [];
const tempJournal = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kling-journal-'));
  dirs.push(dir);
  return join(dir, 'jobs.jsonl.journal');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

const at = (t: number, job: string, rest: object) => ({ t, job, line: 1, ...rest }) as JournalEntry;

describe('replaying the journal', () => {
  it('tells each job’s state after a stop at any point', () => {
    const { jobs, createTimes } = replay([
      { t: 1, event: 'run', pid: 1, jobs: 5, version: '1' },
      at(10, 'a', { event: 'creating', model: 'm', credits: 50 }),
      at(11, 'a', { event: 'created', taskId: 'ta', model: 'm' }),
      at(12, 'a', { event: 'succeeded', taskId: 'ta', resultUrls: ['u'] }),
      at(13, 'a', { event: 'downloaded', taskId: 'ta', paths: ['/x/a.mp4'], bytes: 9 }),
      at(20, 'b', { event: 'creating', model: 'm', credits: 100 }),
      at(30, 'c', { event: 'creating', model: 'm', credits: 50 }),
      at(31, 'c', { event: 'created', taskId: 'tc', model: 'm' }),
      at(32, 'c', { event: 'state', taskId: 'tc', state: 'generating' }),
      at(40, 'd', { event: 'creating', model: 'm', credits: 50 }),
      at(41, 'd', { event: 'create-rejected', code: 402, message: 'no credits' }),
      at(50, 'e', { event: 'creating', model: 'm', credits: 50 }),
      at(51, 'e', { event: 'created', taskId: 'te', model: 'm' }),
      at(52, 'e', { event: 'failed', taskId: 'te', failCode: '500', failMsg: 'boom' }),
    ]);
    expect(jobs.get('a')).toMatchObject({ status: 'downloaded', taskId: 'ta', paths: ['/x/a.mp4'] });
    expect(jobs.get('b')).toMatchObject({ status: 'unknown', sentAt: 20, credits: 100 });
    expect(jobs.get('c')).toMatchObject({
      status: 'created',
      taskId: 'tc',
      createdAt: 31,
      state: 'generating',
    });
    expect(jobs.get('d')).toMatchObject({ status: 'rejected', reason: 'no credits' });
    expect(jobs.get('e')).toMatchObject({ status: 'failed', reason: 'task te failed (500): boom' });
    // Every create request counts in the rate window: answered ones from their answer, b (never answered)
    // from the last sign of life of its run.
    expect(createTimes.sort((x, y) => x - y)).toEqual([11, 31, 41, 51, 52]);
  });

  it('a job created again after failing forgets the old task', () => {
    const { jobs } = replay([
      at(1, 'a', { event: 'creating', model: 'm', credits: 50 }),
      at(2, 'a', { event: 'created', taskId: 'old', model: 'm' }),
      at(3, 'a', { event: 'failed', taskId: 'old', failCode: null, failMsg: null }),
      at(4, 'a', { event: 'creating', model: 'm', credits: 50 }),
    ]);
    expect(jobs.get('a')).toMatchObject({ status: 'unknown' });
    expect(jobs.get('a')?.taskId).toBeUndefined();
  });
});

describe('the journal file', () => {
  it('appends one JSON line per event and ignores a torn last line', () => {
    const path = tempJournal();
    const journal = Journal.open(path);
    journal.append({ event: 'creating', job: 'a', line: 1, model: 'm', credits: 50 }, true);
    journal.close();
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"event":"created","t":`, { flag: 'w' });
    const entries = readJournal(path);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ event: 'creating', job: 'a', line: 1, model: 'm', credits: 50 });
    expect(readFileSync(path, 'utf8').split('\n')[0]).toMatch(/^\{"event":"creating","t":\d+,/);
  });

  it('is locked while a run holds it, and a dead run’s lock is taken over', () => {
    const path = tempJournal();
    const journal = Journal.open(path);
    writeFileSync(`${path}.lock`, '1\n'); // pid 1 is alive (init), as another running batch would be
    expect(() => Journal.open(path)).toThrow(/another kling batch \(pid 1\) is running these jobs/);
    writeFileSync(`${path}.lock`, '2147483646\n'); // no such process: a run killed with -9
    const next = Journal.open(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    next.close();
    journal.close();
  });
});
