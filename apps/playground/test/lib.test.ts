// @vitest-environment happy-dom
import { apiError, KlingConnectionError } from '@kling-kit/client';
import { describeResponseCode, models, type RequestOf, responseCodes, spec } from '@kling-kit/contract';
import * as definitions from '@kling-kit/contract/models';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { baseUrlOf, clientFor, MOCK_KEY, withProxyToken } from '../src/lib/connection';
import { explainError } from '../src/lib/explain-error';
import { HISTORY_KEY, HISTORY_SIZE, loadHistory, saveToHistory } from '../src/lib/history';
import { curlSnippet, typescriptSnippet } from '../src/lib/snippets';
import { promptOf } from '../src/lib/use-task-runner';

type CreateTaskRequest = RequestOf<'kling/v2-1-pro'>;
const seed = spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed
  .value as CreateTaskRequest;

describe('snippets', () => {
  const request: CreateTaskRequest = { ...seed, input: { ...seed.input, prompt: "it's a 'quoted' prompt" } };

  it('curl carries the exact body, shell-quoted, and no real key', () => {
    const curl = curlSnippet(request, { baseUrl: 'https://api.kie.ai' });
    expect(curl).toContain("curl -X POST 'https://api.kie.ai/api/v1/jobs/createTask'");
    expect(curl).toContain('"Authorization: Bearer $KIE_API_KEY"');
    const quoted = /-d '([\s\S]*)'$/.exec(curl)?.[1] ?? '';
    expect(JSON.parse(quoted.replaceAll(`'\\''`, `'`))).toEqual(request);
  });

  it('prints the placeholder key of the mock', () => {
    expect(curlSnippet(request, { baseUrl: 'http://127.0.0.1:4010', printableKey: MOCK_KEY })).toContain(
      `'Authorization: Bearer ${MOCK_KEY}'`,
    );
  });

  it('TypeScript uses the client, with baseUrl only off kie.ai', () => {
    const real = typescriptSnippet(request, { baseUrl: 'https://api.kie.ai' });
    expect(real).toContain("import { createKlingClient } from '@kling-kit/client';");
    expect(real).toContain("import { klingV21Pro } from '@kling-kit/client/models';");
    expect(real).toContain('  models: [klingV21Pro],');
    expect(real).toContain('apiKey: process.env.KIE_API_KEY');
    expect(real).not.toContain('baseUrl');
    expect(real).toContain(JSON.stringify(request, null, 2));
    expect(typescriptSnippet(request, { baseUrl: 'http://127.0.0.1:4010' })).toContain(
      'baseUrl: "http://127.0.0.1:4010"',
    );
  });

  it('TypeScript follows the model: it imports and registers that model’s definition', () => {
    const byId = new Map(
      Object.entries(definitions as Record<string, { id: string }>).map(([name, definition]) => [
        definition.id,
        name,
      ]),
    );
    for (const entry of models) {
      const code = typescriptSnippet(entry.example as never, { baseUrl: 'http://127.0.0.1:4010' });
      const name = byId.get(entry.id);
      expect(code).toContain(`import { ${name} } from '@kling-kit/client/models';`);
      expect(code).toContain(`  models: [${name}],`);
      expect(code).toContain(JSON.stringify(entry.example, null, 2));
      expect(curlSnippet(entry.example as never, { baseUrl: 'http://m' })).toContain(
        `"model": "${entry.id}"`,
      );
    }
  });
});

describe('errors explained', () => {
  it('gives every business code its meaning from the spec and advice', () => {
    for (const { code, name, meaning } of responseCodes.filter((info) => info.code !== 200)) {
      const explained = explainError(apiError(code, 200, 'server says'));
      expect(explained).toMatchObject({ code, name, meaning, msg: 'server says' });
      expect(explained.advice).not.toBe('See the API reference for this code.');
    }
    expect(explainError(apiError(402, 200, 'x')).meaning).toBe(describeResponseCode(402)?.meaning);
  });

  it('explains connection failures and anything else', () => {
    expect(explainError(new KlingConnectionError('down')).title).toContain('could not be reached');
    expect(explainError('boom').msg).toBe('boom');
  });
});

describe('history', () => {
  beforeEach(() => localStorage.clear());
  const entry = { taskId: 't1', prompt: 'p', state: 'created' as const, createdAt: 1, baseUrl: 'http://m' };

  it('adds entries newest first and updates states in place', () => {
    saveToHistory(entry);
    saveToHistory({ ...entry, taskId: 't2' });
    const updated = saveToHistory({ ...entry, state: 'success' });
    expect(updated.map((item) => [item.taskId, item.state])).toEqual([
      ['t2', 'created'],
      ['t1', 'success'],
    ]);
    expect(loadHistory()).toEqual(updated);
  });

  it('keeps a bounded list and survives a damaged store', () => {
    for (let i = 0; i < HISTORY_SIZE + 5; i++) {
      saveToHistory({ ...entry, taskId: `t${i}` });
    }
    expect(loadHistory()).toHaveLength(HISTORY_SIZE);
    localStorage.setItem(HISTORY_KEY, '{not json');
    expect(loadHistory()).toEqual([]);
    localStorage.setItem(HISTORY_KEY, JSON.stringify([{ taskId: 1 }, entry]));
    expect(loadHistory()).toEqual([entry]);
  });
});

describe('connection', () => {
  const origin = 'http://127.0.0.1:4010';
  it('targets the serving mock, its proxy, or another URL', () => {
    expect(baseUrlOf({ target: 'mock', customUrl: '', apiKey: MOCK_KEY }, origin)).toBe(origin);
    expect(baseUrlOf({ target: 'proxy', customUrl: '', apiKey: '' }, origin)).toBe(`${origin}/proxy`);
    expect(baseUrlOf({ target: 'custom', customUrl: 'http://x:1/', apiKey: '' }, origin)).toBe('http://x:1');
  });

  it('refuses to call kie.ai straight from the page', () => {
    expect(() =>
      clientFor({ target: 'custom', customUrl: 'https://api.kie.ai', apiKey: 'real' }, origin, false),
    ).toThrow(/browser/);
    expect(() => clientFor({ target: 'custom', customUrl: '', apiKey: 'real' }, origin, false)).toThrow(
      /base URL/,
    );
  });

  it('adds the proxy token to a request', async () => {
    const sent: Request[] = [];
    const send = withProxyToken('token-1', async (request) => {
      sent.push(request);
      return new Response('{}');
    });
    await send(new Request(`${origin}/proxy/api/v1/chat/credit`, { headers: { Authorization: 'Bearer k' } }));
    expect(sent[0]?.headers.get('X-Kling-Proxy-Token')).toBe('token-1');
    expect(sent[0]?.headers.get('Authorization')).toBe('Bearer k');
  });

  it('sends the proxy token to the proxy only, never to another server', async () => {
    const sent: [string, string | null][] = [];
    vi.stubGlobal('fetch', async (input: Request | string, init?: RequestInit) => {
      const request = new Request(input, init);
      sent.push([request.url, request.headers.get('X-Kling-Proxy-Token')]);
      return new Response('{"code":200,"msg":"success","data":100}', {
        headers: { 'Content-Type': 'application/json' },
      });
    });
    try {
      await clientFor({ target: 'proxy', customUrl: '', apiKey: '' }, origin, true, 'token-2').getCredits();
      await clientFor(
        { target: 'mock', customUrl: '', apiKey: MOCK_KEY },
        origin,
        false,
        'token-2',
      ).getCredits();
      const custom = { target: 'custom', customUrl: 'http://127.0.0.1:9', apiKey: 'k' } as const;
      await clientFor(custom, origin, false, 'token-2').getCredits();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(sent).toEqual([
      [`${origin}/proxy/api/v1/chat/credit`, 'token-2'],
      [`${origin}/api/v1/chat/credit`, null],
      ['http://127.0.0.1:9/api/v1/chat/credit', null],
    ]);
  });
});

describe('history entries', () => {
  it('keep the model, and read entries saved before it was stored', () => {
    localStorage.clear();
    const entry = {
      taskId: 't',
      model: 'kling-3.0/video',
      prompt: 'p',
      state: 'created' as const,
      createdAt: 1,
      baseUrl: 'b',
    };
    expect(saveToHistory(entry)[0]?.model).toBe('kling-3.0/video');
    localStorage.setItem(
      HISTORY_KEY,
      JSON.stringify([
        { ...entry, model: undefined },
        { ...entry, model: 3 },
      ]),
    );
    expect(loadHistory()).toHaveLength(1);
  });

  it('show the prompt, or the first shot’s', () => {
    expect(promptOf({ prompt: 'a' })).toBe('a');
    expect(promptOf({ prompt: '', multi_prompt: [{ prompt: '' }, { prompt: 'second' }] })).toBe('second');
    expect(promptOf({ image_url: 'x' })).toBe('');
  });
});
