/**
 * The drift tools across the family: a mock (standing in for kie.ai) behind a second mock run with
 * `--proxy --validate --record`. Every model's example goes through the proxy, with its callback
 * sent to `/__validate/callback`: no violation. A callback whose `param` breaks its own model's
 * schema is reported at the field. Then `--replay` of the session answers the same, model by model.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModelFacts, models } from '@kling-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Violation } from '../src/drift/violations';
import type { RunningMockServer } from '../src/index';
import { startTestMock } from './helpers';

const KEY = 'drift-family-key';

interface Answer {
  status: number;
  body: { code: unknown; msg?: unknown; data: Record<string, unknown> | null };
}

async function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  json?: unknown,
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${KEY}`,
      ...(json ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(json ? { body: JSON.stringify(json) } : {}),
  });
  return { status: response.status, body: await response.json() } as Answer;
}

const exampleOf = (facts: ModelFacts) => {
  const { callBackUrl: _thirdParty, ...request } = structuredClone(facts.example) as {
    model: string;
    callBackUrl?: string;
    input: Record<string, unknown>;
  };
  return request;
};

describe('--validate, --record and --replay for every model', () => {
  let upstream: RunningMockServer;
  let proxy: RunningMockServer;
  let dir: string;
  let token: Record<string, string>;
  const driftLines: string[] = [];
  /** Per model: the request sent, and the answers of createTask and the two polls. */
  const session: { model: string; request: unknown; answers: Answer[] }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kling-drift-family-'));
    upstream = await startTestMock({
      rateLimit: false,
      timing: { waitingMs: 5_000, queuingMs: 0, generatingMs: 1_000 },
    });
    proxy = await startTestMock({
      proxy: upstream.url,
      validate: true,
      record: dir,
      driftLog: (line) => driftLines.push(line),
    });
    const { proxyToken } = (await fetch(`${proxy.url}/__playground`).then((r) => r.json())) as {
      proxyToken: string;
    };
    token = { 'X-Kling-Proxy-Token': proxyToken };
    for (const facts of models) {
      const request = { ...exampleOf(facts), callBackUrl: `${proxy.url}/__validate/callback` };
      const created = await call(proxy.url, 'POST', '/proxy/api/v1/jobs/createTask', token, request);
      session.push({ model: facts.id, request, answers: [created] });
    }
    const poll = (taskId: string) =>
      call(proxy.url, 'GET', `/proxy/api/v1/jobs/recordInfo?taskId=${taskId}`, token);
    for (const entry of session) {
      entry.answers.push(await poll(entry.answers[0]?.body.data?.taskId as string));
    }
    // Both clocks on: the upstream finishes every task (and calls back), the recording sees 10 s pass.
    upstream.admin.advanceClock(10_000);
    proxy.admin.advanceClock(10_000);
    await upstream.admin.settleCallbacks();
    for (const entry of session) {
      entry.answers.push(await poll(entry.answers[0]?.body.data?.taskId as string));
    }
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays every model through the proxy, to success, with its callback', () => {
    expect(session).toHaveLength(models.length);
    for (const entry of session) {
      const [created, first, last] = entry.answers;
      expect(created?.body.code, entry.model).toBe(200);
      expect(first?.body.data?.state, entry.model).toBe('waiting');
      expect(last?.body.data, entry.model).toMatchObject({ model: entry.model, state: 'success' });
      expect(JSON.parse(last?.body.data?.param as string)).toEqual(entry.request);
    }
    expect(upstream.admin.deliveries().map((delivery) => [delivery.outcome, delivery.status])).toEqual(
      models.map(() => ['delivered', 200]),
    );
  });

  it('finds no violation in any model’s answers or callbacks', async () => {
    const listed = (await fetch(`${proxy.url}/__admin/violations`).then((r) => r.json())) as {
      data: Violation[];
    };
    expect(
      listed.data.map((violation) => `${violation.operationId}: ${JSON.stringify(violation.issues)}`),
    ).toEqual([]);
    expect(driftLines.filter((line) => line.includes('drift:'))).toEqual([]);
  });

  it('records one cassette holding every model’s exchanges and timelines', () => {
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    const cassette = JSON.parse(readFileSync(join(dir, names[0] as string), 'utf8')) as {
      exchanges: { operationId: string; request: { body?: { json?: { model?: string } } } }[];
      tasks: Record<string, { timeline: { state: string }[] }>;
    };
    const created = cassette.exchanges.filter((exchange) => exchange.operationId === 'createTask');
    expect(created.map((exchange) => exchange.request.body?.json?.model)).toEqual(
      models.map((facts) => facts.id),
    );
    expect(
      cassette.exchanges.filter((exchange) => exchange.operationId === 'receiveTaskCallback'),
    ).toHaveLength(models.length);
    for (const entry of session) {
      const taskId = entry.answers[0]?.body.data?.taskId as string;
      expect(
        cassette.tasks[taskId]?.timeline.map((step) => step.state),
        entry.model,
      ).toEqual(['waiting', 'success']);
    }
  });

  it("reports a callback whose param breaks its own model's schema, at the field", async () => {
    const [delivery] = upstream.admin
      .deliveries()
      .filter((attempt) => attempt.payload.data.model === 'kling-3.0/video');
    const payload = structuredClone(delivery?.payload) as { data: { param: string } };
    const param = JSON.parse(payload.data.param) as { input: Record<string, unknown> };
    param.input.duration = '16';
    payload.data.param = JSON.stringify(param);
    const answer = await fetch(`${proxy.url}/__validate/callback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    });
    expect(answer.status).toBe(200);
    const listed = (await fetch(`${proxy.url}/__admin/violations`).then((r) => r.json())) as {
      data: Violation[];
    };
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]?.issues).toEqual([
      { path: 'data.param.input.duration', message: expect.stringMatching(/^must be one of "3"/) },
    ]);
    await fetch(`${proxy.url}/__admin/violations`, { method: 'DELETE' });
  });

  it('replays every model offline: the same answers on the mock clock', async () => {
    const replay = await startTestMock({ replay: dir });
    try {
      for (const entry of session) {
        const [created, first] = entry.answers;
        const taskId = created?.body.data?.taskId as string;
        expect(
          await call(replay.url, 'POST', '/api/v1/jobs/createTask', {}, entry.request),
          entry.model,
        ).toEqual(created);
        expect(await call(replay.url, 'GET', `/api/v1/jobs/recordInfo?taskId=${taskId}`, {})).toEqual(first);
      }
      // Well past the recorded success (10 s of clock plus the wall time the recording took).
      replay.admin.advanceClock(60_000);
      for (const entry of session) {
        const [created, , last] = entry.answers;
        const taskId = created?.body.data?.taskId as string;
        expect(
          await call(replay.url, 'GET', `/api/v1/jobs/recordInfo?taskId=${taskId}`, {}),
          entry.model,
        ).toEqual(last);
      }
    } finally {
      await replay.close();
    }
  });
});
