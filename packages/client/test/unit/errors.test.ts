import { RESPONSE_CODE_FACTS } from '@kling-kit/contract';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  apiError,
  BadRequestError,
  FeatureDisabledError,
  GenerationFailedError,
  InsufficientCreditsError,
  isKlingError,
  KlingApiError,
  KlingConnectionError,
  KlingError,
  KlingResponseError,
  KlingTimeoutError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  SubKeyLimitError,
  ValidationError,
} from '../../src/index';
import {
  client,
  failure,
  html,
  IMAGE_URL,
  json,
  ok,
  record,
  rejection,
  scripted,
  TASK_ID,
} from './fake-fetch';

const GET_TASK = 'GET /api/v1/jobs/recordInfo';
const CREATE_TASK = 'POST /api/v1/jobs/createTask';

const CODES: [number, typeof KlingApiError, string][] = [
  [400, BadRequestError, 'taskId parameter is required'],
  [401, AuthenticationError, 'You do not have access permissions'],
  [402, InsufficientCreditsError, 'Credits insufficient'],
  [404, NotFoundError, 'Task not found'],
  [422, ValidationError, 'recordInfo is null'],
  [429, RateLimitError, 'Rate limit exceeded'],
  [433, SubKeyLimitError, 'Sub-key usage exceeds its limit'],
  [455, ServiceUnavailableError, 'Service under maintenance'],
  [500, ServerError, 'Server Error - try again'],
  [501, GenerationFailedError, 'Generation failed'],
  [505, FeatureDisabledError, 'Feature disabled'],
];

describe('envelope errors on getTask', () => {
  describe.each([
    ['as HTTP 200 with the code in the body', (_code: number) => 200],
    ['as the real HTTP status', (code: number) => code],
  ])('%s', (_title, statusOf) => {
    it.each(CODES)('code %i → %O', async (code, ErrorClass, msg) => {
      const fake = scripted(failure(code, { status: statusOf(code), msg }));
      const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));

      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(KlingApiError);
      expect(error).toBeInstanceOf(KlingError);
      expect(isKlingError(error)).toBe(true);
      expect(error).toMatchObject({
        name: ErrorClass.name,
        code,
        status: statusOf(code),
        msg,
        request: GET_TASK,
        taskId: TASK_ID,
      });
      const { message } = error as Error;
      expect(message).toContain(String(code));
      expect(message).toContain(msg);
      expect(message).toContain(GET_TASK);
      expect(fake.calls).toHaveLength(1);
    });
  });

  it.each(CODES)(
    'reads `message` when kie.ai sends it instead of `msg` (code %i)',
    async (code, ErrorClass) => {
      const fake = scripted(failure(code, { field: 'message', msg: 'printed as message' }));
      const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toMatchObject({ code, msg: 'printed as message' });
    },
  );

  it('prefers `msg` when both `msg` and `message` are present', async () => {
    const fake = scripted(json({ code: 401, msg: 'from msg', message: 'from message', data: null }));
    const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toMatchObject({ msg: 'from msg' });
  });

  it('gives an empty msg when the envelope has neither field', async () => {
    const fake = scripted(json({ code: 404, data: null }));
    const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ msg: '' });
    expect((error as Error).message).toBe(`kie.ai ${GET_TASK} answered code 404`);
  });

  it.each([418, 403, 499])('maps an unknown code %i to a plain KlingApiError', async (code) => {
    const fake = scripted(failure(code));
    const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toBeInstanceOf(KlingApiError);
    expect((error as object).constructor).toBe(KlingApiError);
    expect(error).toMatchObject({ name: 'KlingApiError', code, status: 200, request: GET_TASK });
  });

  it.each([502, 503, 504, 599])('maps an unknown 5xx code %i to ServerError', async (code) => {
    const fake = scripted(failure(code, { status: code }));
    const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code, status: code });
  });

  it('treats an HTTP 503 as a failure even with body code 200', async () => {
    const failing = await rejection(
      client(scripted(json({ code: 200, msg: 'success', data: record() }, 503)), { maxRetries: 0 }).getTask(
        TASK_ID,
      ),
    );
    expect(failing).toBeInstanceOf(KlingApiError);
    expect(failing).toMatchObject({ code: 200, status: 503 });
  });

  it('captures x-request-id as requestId', async () => {
    const fake = scripted(failure(401, { headers: { 'x-request-id': 'req-123' } }));
    const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toMatchObject({ requestId: 'req-123' });
  });

  it('has no requestId when kie.ai sends none', async () => {
    const error = await rejection(client(scripted(failure(401)), { maxRetries: 0 }).getTask(TASK_ID));
    expect((error as KlingApiError).requestId).toBeUndefined();
  });

  it('keeps Retry-After as retryAfterSec', async () => {
    const fake = scripted(failure(429, { status: 429, headers: { 'retry-after': '7' } }));
    const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterSec: 7 });
  });

  it('turns a bare HTTP 429 (no envelope) into RateLimitError', async () => {
    const fake = scripted(
      new Response('Too Many Requests', { status: 429, headers: { 'content-type': 'text/plain' } }),
    );
    const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 429, status: 429, request: GET_TASK });
  });
});

describe('answers that are not the envelope', () => {
  it('turns an HTML 502 page into KlingResponseError naming the status, never a SyntaxError', async () => {
    const fake = scripted(html(502));
    const error = await rejection(client(fake, { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).not.toBeInstanceOf(SyntaxError);
    expect(error).toBeInstanceOf(KlingResponseError);
    expect(error).toMatchObject({ name: 'KlingResponseError', status: 502 });
    expect((error as Error).message).toContain('HTTP 502');
    expect((error as Error).message).toContain(GET_TASK);
  });

  it.each([
    ['an HTML page', html(200)],
    ['a JSON object without code', json({ taskId: TASK_ID, state: 'success' })],
    ['a JSON array', json([1, 2, 3])],
    ['a string code', json({ code: '200', msg: 'success', data: record() })],
    ['JSON null', json(null)],
    ['plain text', new Response('OK', { status: 200 })],
    ['an empty body', new Response(null, { status: 200 })],
  ])('turns a 200 with %s into KlingResponseError', async (_title, response) => {
    const error = await rejection(client(scripted(response), { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toBeInstanceOf(KlingResponseError);
    expect(error).toMatchObject({ status: 200 });
    expect((error as Error).message).toContain('HTTP 200');
  });

  it('turns a non-envelope 4xx into KlingResponseError', async () => {
    const error = await rejection(client(scripted(html(403)), { maxRetries: 0 }).getTask(TASK_ID));
    expect(error).toBeInstanceOf(KlingResponseError);
    expect(error).toMatchObject({ status: 403 });
  });
});

describe('errors of other calls', () => {
  it('labels createTask errors with the call and no taskId', async () => {
    const fake = scripted(failure(402, { msg: 'Credits insufficient' }));
    const error = await rejection(client(fake).createTask({ input: { prompt: 'p', image_url: IMAGE_URL } }));
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ code: 402, status: 200, request: CREATE_TASK });
    expect((error as KlingApiError).taskId).toBeUndefined();
  });

  it('labels getCredits and getDownloadUrl errors', async () => {
    const fake = scripted(failure(401));
    const kling = client(fake, { maxRetries: 0 });
    await expect(kling.getCredits()).rejects.toMatchObject({ request: 'GET /api/v1/chat/credit' });
    await expect(kling.getDownloadUrl('https://tempfile.example.com/v.mp4')).rejects.toMatchObject({
      request: 'POST /api/v1/common/download-url',
    });
  });

  it('returns data of successful common calls', async () => {
    const kling = client(scripted(ok(1234.5)));
    await expect(kling.getCredits()).resolves.toBe(1234.5);
    const fake = scripted(ok('https://tempfile.example.com/signed'));
    await expect(client(fake).getDownloadUrl('https://tempfile.example.com/v.mp4')).resolves.toBe(
      'https://tempfile.example.com/signed',
    );
    expect(await fake.calls[0]?.request.json()).toEqual({ url: 'https://tempfile.example.com/v.mp4' });
  });
});

describe('a code 200 whose data is not what the spec declares', () => {
  it.each([
    ['null', null],
    ['a string for credits', '100'],
    ['an object', { credits: 100 }],
  ])('rejects getCredits with %s as KlingResponseError', async (_title, data) => {
    const error = await rejection(client(scripted(ok(data))).getCredits());
    expect(error).toBeInstanceOf(KlingResponseError);
    expect(error).toMatchObject({ message: 'GET /api/v1/chat/credit: code 200 without the expected data' });
  });

  it('rejects getDownloadUrl and uploadFile without their data', async () => {
    const kling = client(scripted(ok(null)));
    await expect(kling.getDownloadUrl('https://tempfile.example.com/v.mp4')).rejects.toBeInstanceOf(
      KlingResponseError,
    );
    await expect(kling.uploadFile('https://example.com/a.png')).rejects.toBeInstanceOf(KlingResponseError);
    await expect(
      client(scripted(ok({ fileName: 'a.png' }))).uploadFile(new Uint8Array([1, 2, 3])),
    ).rejects.toBeInstanceOf(KlingResponseError);
  });
});

describe('apiError', () => {
  it.each(CODES)('builds the class of code %i', (code, ErrorClass) => {
    const error = apiError(code, 200, 'm', { request: 'X', requestId: 'r', taskId: 't', retryAfterSec: 1 });
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ code, status: 200, msg: 'm', request: 'X', requestId: 'r', taskId: 't' });
    expect(error.retryAfterSec).toBe(1);
  });
});

describe('error classes from the spec', () => {
  it('maps every business code of the spec to the error class the spec names for it', () => {
    const errorCodes = RESPONSE_CODE_FACTS.filter((fact) => fact.code !== 200);
    expect(errorCodes.length).toBeGreaterThan(5);
    for (const fact of errorCodes) {
      const error = apiError(fact.code, 200, 'm');
      expect(fact.errorClass, String(fact.code)).not.toBeNull();
      expect(error.name, String(fact.code)).toBe(fact.errorClass);
      expect(error).toBeInstanceOf(KlingApiError);
    }
    // Codes the spec does not list: any 5xx is a server error, anything else the base class.
    expect(apiError(502, 502, '')).toBeInstanceOf(ServerError);
    expect(apiError(418, 200, '').name).toBe('KlingApiError');
  });

  it('makes a timeout a connection error, as openai-node does', () => {
    const timeout = new KlingTimeoutError('no answer');
    expect(timeout).toBeInstanceOf(KlingConnectionError);
    expect(timeout.name).toBe('KlingTimeoutError');
  });

  it('shows only the fields it knows', () => {
    const error = apiError(422, 200, 'bad', { request: 'GET /x' });
    expect(Object.keys(error).sort()).toEqual(['code', 'msg', 'name', 'request', 'status']);
  });
});
