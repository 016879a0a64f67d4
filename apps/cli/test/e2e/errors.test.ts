/**
 * Every kie.ai code as `kling` reports it: one line with the code, its meaning from the spec and a
 * hint, the documented exit code, an `error` event, and never the key.
 */
import { describeResponseCode, RATE_LIMITS, RESPONSE_CODE_FACTS } from '@kling-kit/contract';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEY, kling, type Mock, startMock, workspace } from './harness';

let mock: Mock;
let space: ReturnType<typeof workspace>;
const env = () => ({ KIE_BASE_URL: mock.url });
const outputs: string[] = [];

beforeAll(async () => {
  mock = await startMock();
  space = workspace();
});
afterAll(async () => {
  space.remove();
  await mock.close();
  // The key never appeared in anything kling printed, in any of these runs.
  expect(outputs.length).toBeGreaterThan(10);
  expect(outputs.filter((text) => text.includes(KEY))).toEqual([]);
});
afterEach(() => {
  mock.server.admin.reset();
  mock.log.length = 0;
});

async function run(args: string[], extra: Record<string, string> = {}) {
  const result = await kling(args, { cwd: space.dir, env: { ...env(), ...extra } });
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** The exit code of each code (README: exit codes). */
const EXIT: Record<number, number> = {
  400: 2,
  401: 3,
  402: 3,
  404: 2,
  422: 2,
  429: 4,
  433: 3,
  455: 4,
  500: 4,
  501: 1,
  505: 3,
};

describe('every kie.ai code', () => {
  const codes = RESPONSE_CODE_FACTS.map((fact) => fact.code).filter((code) => code !== 200);

  it('covers every code of the spec', () => {
    expect(Object.keys(EXIT).map(Number).sort()).toEqual([...codes].sort());
  });

  for (const code of codes) {
    it(`${code}: one line with its meaning and a hint, exit ${EXIT[code]}`, async () => {
      mock.server.admin.addFault({
        operation: 'getCreditBalance',
        code,
        msg: `scripted ${code}`,
        times: 10,
        ...(code === 429 ? { retryAfterSec: 0 } : {}),
      });
      const result = await run(['credits']);
      expect(result.code).toBe(EXIT[code]);
      const meaning = describeResponseCode(code)?.meaning as string;
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`kling: kie.ai answered ${code} (${meaning}): scripted ${code} — `);
      expect(result.events).toEqual([
        expect.objectContaining({ event: 'error', code, exitCode: EXIT[code], hint: expect.any(String) }),
      ]);
    });
  }

  it('401 from a wrong key says to check KIE_API_KEY', async () => {
    const strict = await startMock({ apiKeys: ['the-right-key-1234567'] });
    try {
      const result = await run(['credits'], { KIE_BASE_URL: strict.url });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/kie\.ai answered 401 .* — check KIE_API_KEY \(or --api-key\)/);
    } finally {
      await strict.close();
    }
  });

  it('402 on generate gives the balance and what the task needs', async () => {
    await run(['credits']); // makes the account
    const [account] = mock.server.admin.accounts();
    mock.server.admin.setCredits({ accountId: account?.accountId as string }, 30);
    const result = await run(['generate', '--image', 'https://example.com/a.png', '--prompt', 'A kite']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'top up your kie.ai credits (your balance is 30 credits, this task needs about 50)',
    );
    expect(mock.server.admin.tasks()).toEqual([]);
  });

  it('429 on create: waits as Retry-After says, retries, then explains the limits', async () => {
    mock.server.admin.addFault({
      operation: 'createTask',
      code: 429,
      httpStatus: 429,
      retryAfterSec: 1,
      times: 10,
    });
    const started = Date.now();
    const result = await run(['generate', '--image', 'https://example.com/a.png', '--prompt', 'A kite']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('waited as told by Retry-After (1 s) and retried 2 times');
    const { createTask, getTaskRecord } = RATE_LIMITS;
    expect(result.stderr).toContain(
      `${createTask.limit} new tasks per ${createTask.windowMs / 1000} s per account and ${getTaskRecord.limit} queries per second per key`,
    );
  });

  it('a 500 on create is an unknown outcome (exit 5), not retried', async () => {
    mock.server.admin.addFault({ operation: 'createTask', code: 500, times: 10 });
    const result = await run(['generate', '--image', 'https://example.com/a.png', '--prompt', 'A kite']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('the task may or may not exist');
    expect(mock.calls('createTask')).toHaveLength(1);
  });

  it('a failed task exits 1 with its failCode and failMsg', async () => {
    mock.server.admin.configure({ failRate: 1 });
    try {
      const result = await run(['generate', '--image', 'https://example.com/a.png', '--prompt', 'A kite']);
      expect(result.code).toBe(1);
      const [task] = mock.server.admin.tasks();
      expect(result.stderr).toContain(
        `task ${task?.taskId} failed (${task?.record.failCode}): ${task?.record.failMsg}`,
      );
    } finally {
      mock.server.admin.configure({ failRate: 0 });
    }
  });

  it('no server: exit 4, and which URL it tried', async () => {
    const closed = await startMock();
    const url = closed.url;
    await closed.close();
    const result = await run(['credits'], { KIE_BASE_URL: url });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`could not reach kie.ai at ${url}`);
  });

  it('masks the key even where a server quotes it', async () => {
    mock.server.admin.addFault({
      operation: 'getCreditBalance',
      code: 401,
      msg: `bad key ${KEY}`,
      times: 10,
    });
    const result = await run(['credits', '--json']);
    expect(result.stderr).toContain('bad key [redacted]');
    expect(result.stdout).toContain('bad key [redacted]');
  });

  it('a usage error exits 2', async () => {
    const result = await run(['generate', '--nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--nope'");
    const model = await run(['generate', '--model', 'kling/v9', '--prompt', 'x']);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain('unknown model kling/v9 — kling models lists them');
  });
});
