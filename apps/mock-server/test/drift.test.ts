/**
 * `--validate` and `--record` against a local upstream that deviates from the spec in known ways,
 * then `--replay` of the recorded session: the same answers, the same state timeline on the mock clock.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Violation } from '../src/drift/violations';
import type { RunningMockServer } from '../src/index';
import { type DriftUpstream, SECRET_KEY, startDriftUpstream } from './drift-upstream';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';
import { startReceiver } from './receiver';

interface Answer {
  status: number;
  body: unknown;
}

async function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  json?: unknown,
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${SECRET_KEY}`,
      ...(json ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(json ? { body: JSON.stringify(json) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

const NO_ID_REQUEST = { ...SEED_REQUEST, input: { ...SEED_REQUEST.input, prompt: 'no id please' } };

describe('--validate and --record, then --replay', () => {
  let upstream: DriftUpstream;
  let mock: RunningMockServer;
  let dir: string;
  let token: Record<string, string>;
  const stderr: string[] = [];
  /** What went through the proxy, in order, and the mock-clock advance before each call. */
  const session: { advance: number; method: string; path: string; json?: unknown; answer: Answer }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kling-drift-'));
    upstream = await startDriftUpstream();
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    mock = await startTestMock({ proxy: upstream.url, validate: true, record: dir });
    const { proxyToken } = (await fetch(`${mock.url}/__playground`).then((r) => r.json())) as {
      proxyToken: string;
    };
    token = { 'X-Kling-Proxy-Token': proxyToken };
    const steps: { advance: number; method: string; path: string; json?: unknown }[] = [
      { advance: 0, method: 'POST', path: '/api/v1/jobs/createTask', json: SEED_REQUEST },
      { advance: 0, method: 'GET', path: '/api/v1/jobs/recordInfo?taskId=task-1' },
      { advance: 10_000, method: 'GET', path: '/api/v1/jobs/recordInfo?taskId=task-1' },
      { advance: 20_000, method: 'GET', path: '/api/v1/jobs/recordInfo?taskId=task-1' },
      { advance: 0, method: 'GET', path: '/api/v1/chat/credit' },
      { advance: 0, method: 'POST', path: '/api/v1/jobs/createTask', json: NO_ID_REQUEST },
      { advance: 0, method: 'GET', path: '/api/v1/jobs/recordInfo?taskId=bad' },
    ];
    for (const step of steps) {
      mock.admin.advanceClock(step.advance);
      const answer = await call(mock.url, step.method, `/proxy${step.path}`, token, step.json);
      session.push({ ...step, answer });
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await mock?.close();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays the real answers unchanged', () => {
    expect(session.map((step) => (step.answer.body as { code: unknown }).code)).toEqual([
      200,
      200,
      200,
      200,
      '200',
      200,
      200,
    ]);
  });

  it('reports each deviation on stderr and at /__admin/violations, and accepts an extra message', async () => {
    const listed = (await fetch(`${mock.url}/__admin/violations`).then((r) => r.json())) as {
      data: Violation[];
    };
    const found = listed.data.flatMap((violation) =>
      violation.issues.map((issue) => `${violation.operationId} ${issue.path}: ${issue.message}`),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^getCreditBalance code: must be one of 200/),
        expect.stringMatching(/^createTask data.*taskId/),
        expect.stringMatching(/^getTaskRecord data\.state: must be one of "waiting"/),
        expect.stringMatching(/^getTaskRecord data\.resultJson: must be a JSON-encoded TaskResult/),
        expect.stringMatching(/^getTaskRecord data\.param\.model/),
      ]),
    );
    // The well-behaved exchanges (the first createTask with `message`, the polls of task-1) are not reported.
    expect(
      listed.data.map((violation) => `${violation.operationId} ${violation.exchange.query.taskId ?? ''}`),
    ).toEqual(['getCreditBalance ', 'createTask ', 'getTaskRecord bad']);
    const credit = listed.data[0] as Violation;
    expect(credit).toMatchObject({ method: 'GET', path: '/api/v1/chat/credit', status: 200 });
    expect(credit.exchange.answer.body?.json).toEqual({
      code: '200',
      msg: 'balance of [redacted]',
      data: 100,
    });
    const lines = stderr
      .join('')
      .split('\n')
      .filter((line) => line.includes('drift:'));
    expect(lines).toHaveLength(found.length);
    expect(lines.join('\n')).toContain(
      'GET /api/v1/chat/credit (getCreditBalance, HTTP 200): code: must be one of',
    );
    expect(lines.join('\n')).toContain('data.state: must be one of');
  });

  it('never writes the key: not in violations, cassettes or stderr', async () => {
    const violations = await fetch(`${mock.url}/__admin/violations`).then((r) => r.text());
    const cassettes = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8'));
    expect(cassettes).toHaveLength(1);
    for (const text of [violations, stderr.join(''), ...cassettes]) {
      expect(text).not.toContain(SECRET_KEY);
      expect(text.toLowerCase()).not.toContain('authorization');
    }
  });

  it('writes a readable cassette with each task timeline', () => {
    const [name] = readdirSync(dir);
    expect(name).toMatch(/^session-\d{8}T\d{6}-[0-9a-f]{6}\.json$/);
    const text = readFileSync(join(dir, name as string), 'utf8');
    expect(text).toContain('\n  "exchanges": [\n');
    const cassette = JSON.parse(text);
    expect(cassette).toMatchObject({ format: 'kling-mock-cassette', version: 1, target: upstream.url });
    expect(cassette.exchanges).toHaveLength(session.length);
    expect(cassette.exchanges[0]).toMatchObject({
      seq: 1,
      operationId: 'createTask',
      method: 'POST',
      path: '/api/v1/jobs/createTask',
      request: { contentType: 'application/json', body: { json: SEED_REQUEST } },
      answer: { status: 200, body: { json: { data: { taskId: 'task-1' } } } },
    });
    const timeline = cassette.tasks['task-1'].timeline as { state: string; afterMs: number }[];
    expect(timeline.map((entry) => entry.state)).toEqual(['waiting', 'generating', 'success']);
    expect(timeline[1]?.afterMs).toBeGreaterThanOrEqual(10_000);
    expect(timeline[2]?.afterMs).toBeGreaterThanOrEqual(30_000);
    expect(timeline[2]?.afterMs).toBeLessThan(31_000);
  });

  it('replays the session offline: same answers, same timeline on the mock clock', async () => {
    await upstream.close();
    const replay = await startTestMock({ replay: dir });
    try {
      for (const step of session) {
        // Half a second of slack for the wall time the recording took between its calls.
        replay.admin.advanceClock(step.advance === 0 ? 0 : step.advance + 500);
        const answer = await call(replay.url, step.method, step.path, {}, step.json);
        // Identical, except that the cassette holds no key (the stand-in echoed it in one answer).
        const recorded = JSON.parse(JSON.stringify(step.answer).replaceAll(SECRET_KEY, '[redacted]'));
        expect(answer, `${step.method} ${step.path}`).toEqual(recorded);
      }
      // A new creation restarts the recorded timeline: before 10 s it is still waiting.
      await call(replay.url, 'POST', '/api/v1/jobs/createTask', {}, SEED_REQUEST);
      const state = async () =>
        (
          (await call(replay.url, 'GET', '/api/v1/jobs/recordInfo?taskId=task-1', {})).body as {
            data: { state: string };
          }
        ).data.state;
      expect(await state()).toBe('waiting');
      replay.admin.advanceClock(9_000);
      expect(await state()).toBe('waiting');
      replay.admin.advanceClock(1_500);
      expect(await state()).toBe('generating');
      replay.admin.advanceClock(21_000);
      expect(await state()).toBe('success');
    } finally {
      await replay.close();
    }
  });

  it('answers an unmatched request with a 404 envelope naming the closest recording', async () => {
    const replay = await startTestMock({ replay: dir });
    try {
      const other = { ...SEED_REQUEST, input: { ...SEED_REQUEST.input, prompt: 'A different boat' } };
      const answer = await call(replay.url, 'POST', '/api/v1/jobs/createTask', {}, other);
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({
        code: 404,
        msg: expect.stringMatching(
          /^No recording of POST \/api\/v1\/jobs\/createTask with this body; closest recording: session-.*\.json exchange 1 \(the body differs at input\.prompt\)$/,
        ),
        data: null,
      });
      const unknown = await call(replay.url, 'GET', '/api/v1/jobs/recordInfo?taskId=nope', {});
      expect(unknown.status).toBe(404);
      expect((unknown.body as { msg: string }).msg).toMatch(/for taskId nope; closest recording: .*task-1/);
      const download = await call(replay.url, 'POST', '/api/v1/common/download-url', {}, { url: 'x' });
      expect((download.body as { msg: string }).msg).toMatch(
        /^No recording of POST \/api\/v1\/common\/download-url/,
      );
      // The mock's other routes still answer.
      expect((await fetch(`${replay.url}/healthz`)).status).toBe(200);
    } finally {
      await replay.close();
    }
  });
});

describe('drift options', () => {
  it('refuses --validate and --record without a proxy', async () => {
    await expect(startTestMock({ validate: true })).rejects.toThrow(/set proxy too/);
    await expect(startTestMock({ record: tmpdir() })).rejects.toThrow(/set proxy too/);
  });

  it('checks the callbacks kie.ai POSTs to /__validate/callback, and answers 200 so it does not retry', async () => {
    const upstream = await startDriftUpstream();
    const mock = await startTestMock({ proxy: upstream.url, validate: true, driftLog: () => {} });
    try {
      // A real callback of the mock itself is a faithful one: no violation.
      const receiver = await startReceiver();
      const faithful = await startTestMock({ rateLimit: false });
      try {
        const created = await new MockCaller(faithful).newTask({
          ...SEED_REQUEST,
          callBackUrl: receiver.url,
        });
        faithful.admin.forceState(created, 'success');
        const [callback] = await receiver.waitFor(1);
        const good = await fetch(`${mock.url}/__validate/callback`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: callback?.body ?? '',
        });
        expect(good.status).toBe(200);
      } finally {
        await faithful.close();
        await receiver.close();
      }
      const bad = await fetch(`${mock.url}/__validate/callback`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          code: 200,
          msg: 'done',
          data: { taskId: 't', state: 'running', param: '{}', resultJson: '{oops', createTime: 1 },
        }),
      });
      expect(bad.status).toBe(200);
      const listed = (await fetch(`${mock.url}/__admin/violations`).then((r) => r.json())) as {
        data: Violation[];
      };
      expect(listed.data).toHaveLength(1);
      const [violation] = listed.data;
      expect(violation).toMatchObject({ operationId: 'receiveTaskCallback', path: '/__validate/callback' });
      const found = violation?.issues.map((issue) => `${issue.path}: ${issue.message}`) ?? [];
      expect(found).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^data\.state: must be one of/),
          expect.stringMatching(/^data\.resultJson: must be a JSON-encoded TaskResult/),
          expect.stringMatching(/^data\.param\./),
        ]),
      );
    } finally {
      await mock.close();
      await upstream.close();
    }
  });

  it('answers hostile callback bodies without a crash: junk, 2 MB, 200 000 levels deep', async () => {
    const upstream = await startDriftUpstream();
    const lines: string[] = [];
    const mock = await startTestMock({
      proxy: upstream.url,
      validate: true,
      driftLog: (line) => lines.push(line),
    });
    const post = (body: string) =>
      fetch(`${mock.url}/__validate/callback`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    try {
      expect((await post('{')).status).toBe(200);
      expect((await post('x'.repeat(2 * 1024 * 1024))).status).toBe(413);
      expect((await post(`{"data":${'['.repeat(200_000)}${']'.repeat(200_000)}}`)).status).toBe(200);
      const listed = (await fetch(`${mock.url}/__admin/violations`).then((r) => r.json())) as {
        data: Violation[];
      };
      expect(listed.data.map((violation) => violation.issues[0]?.message)).toEqual([
        'must be a JSON CallbackPayload',
        'must be a JSON CallbackPayload',
      ]);
      expect(listed.data[1]?.exchange.request.body).toEqual({
        omitted: expect.stringMatching(/nested deeper than 64/),
      });
      expect(lines.filter((line) => /could not/.test(line))).toEqual([]);
    } finally {
      await mock.close();
      await upstream.close();
    }
  });

  it('has no violations list without --validate', async () => {
    const mock = await startTestMock();
    try {
      const answer = await fetch(`${mock.url}/__admin/violations`);
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { msg: string }).msg).toMatch(/--validate/);
    } finally {
      await mock.close();
    }
  });
});
