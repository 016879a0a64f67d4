/**
 * `--replay DIR` reads DIR as hostile input: junk files, broken JSON, wrong shapes, symlinks and
 * subfolders are skipped with a warning, never followed or fatal, and nothing outside DIR is read.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { startTestMock } from './helpers';

const exchange = (taskId: string, msg: string) => ({
  seq: 1,
  at: 0,
  operationId: 'getTaskRecord',
  method: 'GET',
  path: '/api/v1/jobs/recordInfo',
  query: { taskId },
  request: {},
  answer: { status: 200, contentType: 'application/json', body: { json: { code: 200, msg, data: null } } },
});

const cassette = (exchanges: unknown[], tasks: unknown = {}) =>
  JSON.stringify({ format: 'kling-mock-cassette', version: 1, exchanges, tasks });

describe('--replay with a hostile cassette folder', () => {
  let root: string;
  let dir: string;
  let mock: RunningMockServer;
  const warnings: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kling-replay-'));
    dir = join(root, 'cassettes');
    mkdirSync(join(dir, 'nested'), { recursive: true });
    writeFileSync(join(root, 'outside.json'), cassette([exchange('outside', 'read from outside DIR')]));
    symlinkSync(join(root, 'outside.json'), join(dir, 'link.json'));
    writeFileSync(join(dir, 'nested', 'deep.json'), cassette([exchange('deep', 'read from below DIR')]));
    writeFileSync(join(dir, 'notes.txt'), 'not a cassette');
    writeFileSync(join(dir, 'broken.json'), '{"format": "kling-mock-cassette", "exchanges": [');
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ hello: 'world' }));
    writeFileSync(join(dir, 'array.json'), '[1, 2, 3]');
    writeFileSync(
      join(dir, 'mixed.json'),
      cassette(
        [
          exchange('good', 'the good one'),
          { ...exchange('x', 'bad path'), path: '/../../etc/passwd' },
          { ...exchange('y', 'bad status'), answer: { status: 'ok' } },
          { ...exchange('z', 'bad body'), answer: { status: 200, body: 'plain' } },
          null,
          42,
          { ...exchange('__proto__', 'proto'), query: { taskId: '__proto__' } },
        ],
        {
          __proto__: { createdAt: 0, timeline: [{ state: 'waiting', afterMs: 0 }] },
          broken: { createdAt: 'yesterday', timeline: 'soon' },
          odd: { createdAt: 0, timeline: [{ state: 7, afterMs: -1 }, null] },
        },
      ),
    );
    mock = await startTestMock({ replay: dir, driftLog: (line) => warnings.push(line) });
  });
  afterAll(async () => {
    await mock?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const record = async (taskId: string) => {
    const response = await fetch(`${mock.url}/api/v1/jobs/recordInfo?taskId=${encodeURIComponent(taskId)}`, {
      headers: { Authorization: 'Bearer k' },
    });
    return { status: response.status, body: (await response.json()) as { code: number; msg: string } };
  };

  it('starts, and serves the valid exchanges', async () => {
    expect(await record('good')).toEqual({
      status: 200,
      body: { code: 200, msg: 'the good one', data: null },
    });
    expect((await record('__proto__')).body.msg).toBe('proto');
  });

  it('warns about each skipped file and exchange', () => {
    const text = warnings.join('\n');
    for (const name of ['link.json', 'nested', 'notes.txt', 'broken.json', 'other.json', 'array.json']) {
      expect(text).toContain(`"${name}"`);
    }
    expect(text).toContain('"mixed.json exchange 2": method and path are not an operation of the spec');
    expect(text).toContain('"mixed.json exchange 3": answer.status is not an HTTP status');
    expect(text).toContain('"mixed.json exchange 4"');
    expect(text).toContain('"mixed.json exchange 5"');
    expect(text).toContain('"mixed.json exchange 6"');
  });

  it('reads nothing through a symlink or from a subfolder', async () => {
    for (const taskId of ['outside', 'deep']) {
      const answer = await record(taskId);
      expect(answer.status).toBe(404);
      expect(answer.body.msg).not.toMatch(/outside DIR|below DIR/);
    }
  });

  it('refuses a folder that does not exist with a clear error', async () => {
    await expect(startTestMock({ replay: join(root, 'missing') })).rejects.toThrow(
      /replay: cannot read the folder/,
    );
  });
});
