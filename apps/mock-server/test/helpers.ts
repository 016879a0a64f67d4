/** Shared test helpers: a real mock server on a random port and calls that check every answer. */
import { formatIssues, type SchemaName, spec, validateSchema } from '@kling-kit/contract';
import { expect } from 'vitest';
import { type MockServerOptions, type RunningMockServer, startMockServer } from '../src/index';

/** The seed's own example, exactly as the spec carries it (createTask's `seed` example). */
export const SPEC_SEED_EXAMPLE =
  spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed.value;

/**
 * The seed example without its `callBackUrl` (a third-party host: tests never leave loopback).
 * Tests that need callbacks add the URL of a local receiver.
 */
export const SEED_REQUEST: Omit<typeof SPEC_SEED_EXAMPLE, 'callBackUrl'> = (() => {
  const { callBackUrl: _thirdParty, ...request } = SPEC_SEED_EXAMPLE;
  return request;
})();

/** The envelope schema each operation's answers must match (response validation). */
const ENVELOPES: Record<string, SchemaName> = {
  '/api/v1/jobs/createTask': 'CreateTaskEnvelope',
  '/api/v1/jobs/recordInfo': 'TaskRecordEnvelope',
  '/api/v1/chat/credit': 'CreditBalanceEnvelope',
  '/api/v1/common/download-url': 'DownloadUrlEnvelope',
  '/api/file-stream-upload': 'FileUploadEnvelope',
  '/api/file-base64-upload': 'FileUploadEnvelope',
  '/api/file-url-upload': 'FileUploadEnvelope',
};

/** Fails the test when a body does not match the spec's envelope for `path`. */
export function expectValidEnvelope(path: string, body: unknown): void {
  const schemaName = ENVELOPES[path];
  if (!schemaName) {
    throw new Error(`No envelope schema known for ${path}`);
  }
  const result = validateSchema(schemaName, body);
  expect(result.ok ? '' : `${path}: ${formatIssues(result.issues)} in ${JSON.stringify(body)}`).toBe('');
  const code = (body as { code: number }).code;
  if (code !== 200) {
    expect((body as { data: unknown }).data).toBeNull();
  }
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A test client bound to a running mock and one API key. */
export class MockCaller {
  constructor(
    readonly mock: RunningMockServer,
    readonly apiKey: string | null = 'test-key',
  ) {}

  /** Any request; JSON answers are parsed and, for API paths, checked against the spec. */
  async call<T = Record<string, unknown>>(
    method: string,
    pathWithQuery: string,
    init: { json?: unknown; body?: RequestInit['body']; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.apiKey !== null && headers.Authorization === undefined) {
      headers.Authorization = `Bearer ${this.apiKey}`;
    }
    let body = init.body;
    if (init.json !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${this.mock.url}${pathWithQuery}`, {
      method,
      headers,
      ...(body ? { body } : {}),
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.includes('json');
    const parsed = isJson ? JSON.parse(text) : text;
    const path = pathWithQuery.split('?')[0] as string;
    if (isJson && ENVELOPES[path]) {
      expectValidEnvelope(path, parsed);
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  createTask(json: unknown = SEED_REQUEST, headers?: Record<string, string>) {
    return this.call<{ code: number; msg: string; data: { taskId: string } | null }>(
      'POST',
      '/api/v1/jobs/createTask',
      { json, ...(headers ? { headers } : {}) },
    );
  }

  record(taskId: string, headers?: Record<string, string>) {
    return this.call<{ code: number; msg: string; data: Record<string, unknown> | null }>(
      'GET',
      `/api/v1/jobs/recordInfo?taskId=${encodeURIComponent(taskId)}`,
      headers ? { headers } : {},
    );
  }

  credits() {
    return this.call<{ code: number; msg: string; data: number | null }>('GET', '/api/v1/chat/credit');
  }

  /** Creates a task and returns its id (fails the test otherwise). */
  async newTask(json: unknown = SEED_REQUEST): Promise<string> {
    const answer = await this.createTask(json);
    expect(answer.body.code, answer.body.msg).toBe(200);
    return (answer.body.data as { taskId: string }).taskId;
  }
}

/** Starts a mock for one test file; `fast` timing, a fixed seed and loopback-only unless overridden. */
export async function startTestMock(options: MockServerOptions = {}): Promise<RunningMockServer> {
  return startMockServer({ port: 0, timing: 'fast', seed: 'tests', loopbackOnly: true, ...options });
}
