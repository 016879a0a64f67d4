/**
 * A stand-in for kie.ai on 127.0.0.1 that deviates from the spec in known ways, for the tests of
 * `--validate`, `--record` and `--replay`. Tasks move on per poll: waiting, generating, success.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The key the tests send; it must never show up in what the drift tools write. */
export const SECRET_KEY = 'sk-live-drift-SECRET-4711';

export interface DriftUpstream {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

const PARAM = JSON.stringify({
  model: 'kling/v2-1-pro',
  input: { prompt: 'A paper boat in the rain', image_url: 'https://example.com/boat.jpg' },
});

export async function startDriftUpstream(): Promise<DriftUpstream> {
  const polls = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://upstream');
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (url.pathname === '/api/v1/chat/credit') {
        // Deviation: the code as a string; the key echoed in the message (must be redacted).
        json(res, 200, { code: '200', msg: `balance of ${key}`, data: 100 });
        return;
      }
      if (url.pathname === '/api/v1/jobs/createTask') {
        const prompt = (JSON.parse(body || '{}') as { input?: { prompt?: string } }).input?.prompt;
        if (prompt === 'no id please') {
          // Deviation: success without a taskId.
          json(res, 200, { code: 200, msg: 'success', data: {} });
          return;
        }
        // Fine: kie.ai's docs sometimes print `message` next to `msg`.
        json(res, 200, { code: 200, msg: 'success', message: 'success', data: { taskId: 'task-1' } });
        return;
      }
      if (url.pathname === '/api/v1/jobs/recordInfo') {
        const taskId = url.searchParams.get('taskId') ?? '';
        const base = { taskId, model: 'kling/v2-1-pro', param: PARAM, createTime: 1_764_000_000_000 };
        if (taskId === 'bad') {
          // Deviations: an unknown state, resultJson that is not JSON, param that is not a TaskParam.
          json(res, 200, {
            code: 200,
            msg: 'success',
            data: { ...base, state: 'running', param: '{"model":1}', resultJson: 'not json' },
          });
          return;
        }
        const poll = (polls.get(taskId) ?? 0) + 1;
        polls.set(taskId, poll);
        const state = poll === 1 ? 'waiting' : poll === 2 ? 'generating' : 'success';
        const done = state === 'success';
        json(res, 200, {
          code: 200,
          msg: 'success',
          data: {
            ...base,
            state,
            resultJson: done ? JSON.stringify({ resultUrls: ['https://example.com/result.mp4'] }) : '',
            failCode: done ? '' : null,
            failMsg: done ? '' : null,
            costTime: done ? 60_000 : null,
            completeTime: done ? 1_764_000_090_000 : null,
            updateTime: 1_764_000_000_000 + poll,
          },
        });
        return;
      }
      json(res, 404, { code: 404, msg: 'Not found', data: null });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
