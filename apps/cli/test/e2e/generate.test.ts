/**
 * `kling generate` and `kling wait` end to end: the built binary against a real kling-mock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTiming } from '@kling-kit/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KEY, kling, type Mock, PNG, start, startMock, workspace } from './harness';

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

const ORDER = ['waiting', 'queuing', 'generating', 'success', 'fail'];

describe('kling generate', () => {
  it('uploads a local image, creates the task, and saves the mock’s MP4 byte for byte', async () => {
    space = workspace();
    const run = await kling(
      [
        'generate',
        '--image',
        './photo.png',
        '--prompt',
        'A paper boat in the rain',
        '--out',
        'clip.mp4',
        '--json',
      ],
      { cwd: space.dir, env: env() },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    // The upload reached the mock through the stream upload, and the task was created with its URL.
    expect(mock.calls('uploadFileStream').map((line) => line.status)).toEqual([200]);
    const uploaded = run.events.find((event) => event.event === 'uploaded') as { url: string; input: string };
    expect(uploaded.input).toBe('image_url');
    expect(Buffer.from(await (await fetch(uploaded.url)).arrayBuffer())).toEqual(PNG);
    const [task] = mock.server.admin.tasks();
    expect(mock.server.admin.tasks()).toHaveLength(1);
    expect(JSON.parse(task?.record.param ?? '{}').input).toEqual({
      prompt: 'A paper boat in the rain',
      image_url: uploaded.url,
    });

    // The file on disk is the mock's result, byte for byte.
    const resultUrl = JSON.parse(task?.record.resultJson ?? '{}').resultUrls[0] as string;
    const served = Buffer.from(await (await fetch(resultUrl)).arrayBuffer());
    const saved = readFileSync(join(space.dir, 'clip.mp4'));
    expect(saved.length).toBeGreaterThan(1000);
    expect(saved.equals(served)).toBe(true);
    expect(saved.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('prints NDJSON events that parse and come in order', async () => {
    space = workspace();
    mock.server.admin.configure({ timing: parseTiming('waiting=500,queuing=2500,generating=3000') });
    const run = await kling(
      ['generate', '--image', 'photo.png', '--prompt', 'A fox in the snow', '--duration', '10'],
      {
        cwd: space.dir,
        env: env(),
      },
    );
    expect(run.code).toBe(0);
    const names = run.events.map((event) => event.event);
    expect(names[0]).toBe('uploaded');
    expect(names[1]).toBe('created');
    expect(names.slice(-2)).toEqual(['downloaded', 'done']);
    expect(names.slice(2, -2).every((name) => name === 'state')).toBe(true);
    const states = run.events.filter((event) => event.event === 'state').map((event) => String(event.state));
    expect(states.at(-1)).toBe('success');
    expect(states.length).toBeGreaterThanOrEqual(3);
    expect([...states].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))).toEqual(states);
    const times = run.events.map((event) => Date.parse(String(event.time)));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const created = run.events[1] as { taskId: string; credits: number; resume: string };
    expect(created.credits).toBe(100); // kling/v2-1-pro, 10 s, from the catalog
    expect(created.resume).toBe(
      `kling wait ${created.taskId} --out ${created.taskId}.mp4 --base-url ${mock.url}`,
    );
    const done = run.events.at(-1) as { taskId: string; paths: string[] };
    expect(done).toMatchObject({ taskId: created.taskId, paths: [join(space.dir, `${created.taskId}.mp4`)] });
  });

  it('prints only the path with --quiet', async () => {
    space = workspace();
    const run = await kling(
      ['generate', '-q', '--image', 'photo.png', '--prompt', 'A kite', '-o', 'kite.mp4'],
      {
        cwd: space.dir,
        env: env(),
      },
    );
    expect(run).toMatchObject({ code: 0, stdout: 'kite.mp4\n', stderr: '' });
  });

  it('passes URLs as they are and types each model’s inputs from its schema', async () => {
    space = workspace();
    const image = 'https://example.com/frame.png';
    const run = await kling(
      [
        'generate',
        '--model',
        'kling-3.0-omni/image-to-video',
        '--image',
        image,
        '--prompt',
        'The girl turns to the window',
        '--duration',
        '7',
        '--no-audio',
        '--no-customize-multi-shots',
        '--resolution',
        '1080p',
      ],
      { cwd: space.dir, env: env() },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(mock.calls('uploadFileStream')).toEqual([]);
    const [task] = mock.server.admin.tasks();
    expect(JSON.parse(task?.record.param ?? '{}')).toMatchObject({
      model: 'kling-3.0-omni/image-to-video',
      input: {
        image_urls: [image],
        duration: 7,
        audio: false,
        customize_multi_shots: false,
        resolution: '1080p',
      },
    });
    expect((run.events[0] as { credits: number }).credits).toBe(7 * 18); // 1080p without audio: 18 a second
  });

  it('checks the input first, with the API’s own messages, and sends nothing', async () => {
    space = workspace();
    const run = await kling(
      ['generate', '--image', 'photo.png', '--prompt', 'x'.repeat(5001), '--duration', '7'],
      {
        cwd: space.dir,
        env: env(),
      },
    );
    expect(run.code).toBe(2);
    expect(mock.log).toEqual([]);
    const answer = await fetch(`${mock.url}/api/v1/jobs/createTask`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'kling/v2-1-pro',
        input: { prompt: 'x'.repeat(5001), image_url: 'https://example.com/a.png', duration: '7' },
      }),
    }).then((response) => response.json() as Promise<{ code: number; msg: string }>);
    expect(answer.code).toBe(422);
    for (const message of answer.msg.split('; ')) {
      expect(run.stderr).toContain(message);
    }
    expect((run.events[0] as { event: string; exitCode: number }).exitCode).toBe(2);
  });

  it('names a missing file before anything is sent', async () => {
    space = workspace();
    const run = await kling(['generate', '--image', 'nope.png', '--prompt', 'A kite'], {
      cwd: space.dir,
      env: env(),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('image_url: nope.png: no such file');
    expect(mock.log).toEqual([]);
  });

  it('says how to give a key when there is none', async () => {
    space = workspace();
    const run = await kling(['generate', '--image', 'photo.png', '--prompt', 'A kite'], {
      cwd: space.dir,
      env: { ...env(), KIE_API_KEY: '' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /no API key — set KIE_API_KEY or pass --api-key; or try kling offline with --mock/,
    );
  });

  it('runs against an in-process mock with --mock, with no key', async () => {
    space = workspace();
    const run = await kling(
      ['generate', '--mock', '--image', 'photo.png', '--prompt', 'A kite', '-o', 'kite.mp4'],
      {
        cwd: space.dir,
        env: { KIE_API_KEY: '', KIE_BASE_URL: '' },
      },
    );
    expect(run.code).toBe(0);
    expect((run.events.at(-1) as { event: string }).event).toBe('done');
    expect(readFileSync(join(space.dir, 'kite.mp4')).subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(mock.log).toEqual([]);
  });
});

describe('Ctrl-C and kling wait', () => {
  it('Ctrl-C while waiting prints the resume command; kling wait finishes it with no second task', async () => {
    space = workspace();
    mock.server.admin.configure({ timing: parseTiming('waiting=200,queuing=200,generating=600s') });
    const running = start(
      ['generate', '--image', 'photo.png', '--prompt', 'A lighthouse', '--out', 'light.mp4'],
      {
        cwd: space.dir,
        env: env(),
      },
    );
    const created = (await running.event((event) => event.event === 'created')) as { taskId: string };
    await running.event((event) => event.event === 'state');
    running.child.kill('SIGINT');
    const stopped = await running.done;
    expect(stopped.code).toBe(130);
    const resume = `kling wait ${created.taskId} --out light.mp4 --base-url ${mock.url}`;
    expect(stopped.stderr).toContain(`task ${created.taskId} keeps running on kie.ai (it was not cancelled)`);
    expect(stopped.stderr).toContain(resume);
    expect(stopped.events.at(-1)).toMatchObject({
      event: 'error',
      exitCode: 130,
      code: 'interrupted',
      resume,
    });
    expect(mock.server.admin.task(created.taskId).state).not.toBe('fail');

    mock.server.admin.forceState(created.taskId, 'success');
    const resumed = await kling(resume.split(' ').slice(1), { cwd: space.dir, env: env() });
    expect(resumed.code).toBe(0);
    expect(resumed.events.at(-1)).toMatchObject({ event: 'done', taskId: created.taskId });
    expect(readFileSync(join(space.dir, 'light.mp4')).subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(mock.calls('createTask')).toHaveLength(1);
    expect(mock.server.admin.tasks()).toHaveLength(1);
  });

  it('Ctrl-C while the create request is out waits for its answer, then prints the resume command', async () => {
    space = workspace();
    mock.server.admin.addFault({ operation: 'createTask', delayMs: 3_000 });
    const running = start(['generate', '--image', 'https://example.com/a.png', '--prompt', 'A lighthouse'], {
      cwd: space.dir,
      env: env(),
    });
    // The mock took the fault: the create request is out and held there (not a fixed wait, which a
    // loaded runner may spend starting Node before the CLI listens for Ctrl-C).
    await vi.waitFor(() => expect(mock.server.admin.faults()).toHaveLength(0), {
      timeout: 20_000,
      interval: 20,
    });
    running.child.kill('SIGINT');
    const stopped = await running.done;
    expect(stopped.code).toBe(130);
    const [task] = mock.server.admin.tasks();
    expect(task).toBeDefined();
    expect(stopped.stderr).toContain(`kling wait ${task?.taskId} --out ${task?.taskId}.mp4`);
    expect(stopped.events.map((event) => event.event)).toEqual(['created', 'error']);
    expect(mock.calls('createTask')).toHaveLength(1);
  });

  it('--timeout stops waiting with exit 6 and the resume command; the task runs on', async () => {
    space = workspace();
    mock.server.admin.configure({ timing: parseTiming('waiting=200,queuing=200,generating=600s') });
    const running = start(
      ['generate', '--image', 'https://example.com/a.png', '--prompt', 'A', '--timeout', '2s'],
      {
        cwd: space.dir,
        env: env(),
      },
    );
    const { taskId } = (await running.event((event) => event.event === 'created')) as { taskId: string };
    const result = await running.done;
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`stopped waiting for task ${taskId} after 2 s`);
    expect(result.stderr).toContain(`resume with: kling wait ${taskId} --out ${taskId}.mp4`);
    expect(mock.server.admin.task(taskId).state).not.toMatch(/success|fail/);
  });

  it('kling wait follows a task created elsewhere, and kling status shows it', async () => {
    space = workspace();
    const { taskId } = await fetch(`${mock.url}/api/v1/jobs/createTask`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'kling/v2-1-pro',
        input: { prompt: 'A', image_url: 'https://example.com/a.png' },
      }),
    })
      .then((response) => response.json() as Promise<{ data: { taskId: string } }>)
      .then((answer) => answer.data);
    const waited = await kling(['wait', taskId, '-q'], { cwd: space.dir, env: env() });
    expect(waited).toMatchObject({ code: 0, stdout: `${taskId}.mp4\n` });
    const status = await kling(['status', taskId, '--json'], { cwd: space.dir, env: env() });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ taskId, state: 'success', model: 'kling/v2-1-pro' });
    const unknown = await kling(['wait', 'no-such-task'], { cwd: space.dir, env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('recordInfo is null');
    expect(unknown.stderr).toContain('no such task on this account');
  });
});
