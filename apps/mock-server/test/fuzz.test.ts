/**
 * Property-based fuzzing of the real mock on a random port: createTask bodies generated from the spec's
 * JSON Schema (and mutated), junk bodies and content types, arbitrary taskIds and Authorization headers.
 * Every answer must be a valid envelope, never a 5xx (HTTP status or envelope code), a stack trace or an
 * echo of the API key.
 */
import { type JsonSchema, jsonSchemaOf, models, type SchemaName, validateSchema } from '@kling-kit/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { CREATE_TASK_BODY_LIMIT } from '../src/routes/tasks';
import { expectValidEnvelope, MockCaller, SEED_REQUEST, startTestMock } from './helpers';

type Json = Record<string, unknown>;

/** The API key of the fuzzing client: long and odd enough that an echo cannot be a coincidence. */
const API_KEY = 'fuzz-key-7f3a9c1e5b2d4f60';
const CREATE_TASK = '/api/v1/jobs/createTask';
const RECORD_INFO = '/api/v1/jobs/recordInfo';
const CREDIT = '/api/v1/chat/credit';
const REF_PREFIX = '#/components/schemas/';
const TASK_ID = /^[0-9a-f]{32}$/;
/** A V8 stack frame, or the `SomethingError: ` prefix of a printed error. */
const STACK_FRAME = /at .*\(.*:\d+:\d+\)/;
const ERROR_PREFIX = /\b[A-Za-z]*Error: /;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const numberOr = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);
/** What the server receives: the value after a JSON round trip (`undefined` members dropped). */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

// ---------------------------------------------------------------------------------------------------
// Schema-driven arbitraries: every limit is read from the spec's JSON Schema, none is written here.
// ---------------------------------------------------------------------------------------------------

/** A schema with its `$ref` and `allOf` followed and merged (its own keywords win). */
function flatten(schema: JsonSchema): JsonSchema {
  const { $ref, allOf, ...own } = schema;
  const parts = [
    ...(typeof $ref === 'string' ? [jsonSchemaOf($ref.slice(REF_PREFIX.length) as SchemaName)] : []),
    ...((allOf as JsonSchema[] | undefined) ?? []),
  ].map(flatten);
  return Object.assign({}, ...parts, own) as JsonSchema;
}

/** The alternatives of an `anyOf`/`oneOf` schema, flattened; the schema itself otherwise. */
function variantsOf(schema: JsonSchema): JsonSchema[] {
  const flat = flatten(schema);
  const alternatives = (flat.anyOf ?? flat.oneOf) as JsonSchema[] | undefined;
  return alternatives ? alternatives.flatMap(variantsOf) : [flat];
}

/** `length` copies of one character: ASCII, BMP or astral (one code point, two UTF-16 units). */
const textOfLength = (length: number): fc.Arbitrary<string> =>
  fc.constantFrom('a', 'é', '字', '😀').map((char) => char.repeat(Math.max(0, length)));

/** Strings valid for a string schema: URLs for `format: uri`, else ASCII, Unicode and the length limits. */
function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = numberOr(schema.minLength, 0);
  const maxLength = numberOr(schema.maxLength, 100);
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  const text =
    schema.format === 'uri'
      ? fc.webUrl({ withQueryParameters: true, withFragments: true })
      : fc.oneof(
          fc.string({ minLength, maxLength, unit: 'grapheme-ascii' }),
          fc.string({ minLength, maxLength, unit: 'binary' }),
          fc.constantFrom(minLength, maxLength).chain(textOfLength),
        );
  return text.filter((value) => [...value].length <= maxLength && (!pattern || pattern.test(value)));
}

/** Numbers valid for a number schema: multiples of `multipleOf` within the bounds, or any double in them. */
function validNumber(schema: JsonSchema): fc.Arbitrary<number> {
  const min = numberOr(schema.minimum, -1e6);
  const max = numberOr(schema.maximum, 1e6);
  if (typeof schema.multipleOf === 'number') {
    const step = schema.multipleOf;
    return fc.integer({ min: Math.ceil(min / step), max: Math.floor(max / step) }).map((k) => k * step);
  }
  return schema.type === 'integer'
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true });
}

/** Objects valid for an object schema: required properties always, optional ones sometimes. */
function validObject(schema: JsonSchema): fc.Arbitrary<Json> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, child] of Object.entries(properties)) {
    model[name] = validOf(child);
  }
  const requiredKeys = (schema.required ?? []) as string[];
  return fc.record(model, { requiredKeys }) as fc.Arbitrary<Json>;
}

/** Values that satisfy a schema (the subset the createTask body uses). */
function validOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  const variants = variantsOf(schema);
  if (variants.length > 1) {
    return fc.oneof(...variants.map(validOf));
  }
  const flat = variants[0] as JsonSchema;
  if (flat.const !== undefined) {
    return fc.constant(flat.const);
  }
  if (Array.isArray(flat.enum)) {
    return fc.constantFrom(...(flat.enum as unknown[]));
  }
  if (flat.type === 'string') {
    return validString(flat);
  }
  if (flat.type === 'number' || flat.type === 'integer') {
    return validNumber(flat);
  }
  if (flat.type === 'object') {
    return validObject(flat);
  }
  if (flat.type === 'boolean') {
    return fc.boolean();
  }
  if (flat.type === 'array') {
    const minLength = numberOr(flat.minItems, 0);
    const maxLength = Math.max(minLength, Math.min(numberOr(flat.maxItems, 3), 3));
    return fc.array(validOf((flat.items ?? {}) as JsonSchema), { minLength, maxLength });
  }
  throw new Error(`No arbitrary for the schema ${JSON.stringify(flat)}`);
}

/** One property of the body: where it is, the schema of one of its alternatives, whether it is required. */
interface Field {
  path: readonly string[];
  schema: JsonSchema;
  required: boolean;
}

/**
 * Every property of an object schema, nested ones included, once per `anyOf`/`oneOf` alternative
 * (the createTask body is one alternative per model).
 */
function fieldsOf(schema: JsonSchema, path: readonly string[] = []): Field[] {
  const variants = variantsOf(schema);
  if (variants.length > 1) {
    return variants.flatMap((variant) => fieldsOf(variant, path));
  }
  const flat = variants[0] as JsonSchema;
  const required = (flat.required ?? []) as string[];
  return Object.entries((flat.properties ?? {}) as Record<string, JsonSchema>).flatMap(([name, child]) => {
    const childPath = [...path, name];
    const variants = variantsOf(child);
    return [
      ...variants.map((variant) => ({ path: childPath, schema: variant, required: required.includes(name) })),
      ...variants
        .filter((variant) => variant.type === 'object')
        .flatMap((variant) => fieldsOf(variant, childPath)),
    ];
  });
}

/** A copy of `value` with `path` set to `replacement` (`undefined` drops it on the wire). */
function setAt(value: unknown, path: readonly string[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) {
    return replacement;
  }
  const target = isRecord(value) ? value : {};
  // A computed key makes `__proto__` an own property, as JSON.parse does.
  return { ...target, [head]: setAt(target[head], rest, replacement) };
}

/** Values of a wrong type, or the right type confused (`5` for `"5"`, `"0.5"` for `0.5`). */
function wrongTypeOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  const confused = [...((schema.enum ?? []) as unknown[]), schema.minimum, schema.maximum]
    .filter((value) => value !== undefined)
    .map((value) => (typeof value === 'string' ? Number(value) : String(value)));
  return fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(null, true, false, 0, -1, '', [], {}, ...confused),
    fc.array(fc.jsonValue(), { maxLength: 3 }),
  );
}

/** Numbers at and around a number schema's bounds and step, and huge or tiny ones. */
function numberNear(schema: JsonSchema): fc.Arbitrary<number> {
  const step = numberOr(schema.multipleOf, 1);
  const bounds = [schema.minimum, schema.maximum].filter(
    (bound): bound is number => typeof bound === 'number',
  );
  const near = bounds.flatMap((bound) => [
    bound - step,
    bound,
    bound + step,
    bound + step / 2,
    bound - step / 3,
  ]);
  return fc.oneof(
    fc.constantFrom(...near, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1e21, -0),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
  );
}

/** Strings at and around a string schema's length limits, and near-miss URLs for `format: uri`. */
function stringNear(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = numberOr(schema.minLength, 0);
  const maxLength = numberOr(schema.maxLength, 100);
  const lengths = [minLength - 1, minLength, maxLength, maxLength + 1, maxLength + 100].filter((n) => n >= 0);
  const prefix = schema.format === 'uri' ? 'https://example.com/' : '';
  const atLimits = fc
    .tuple(fc.constantFrom(...lengths), fc.constantFrom('a', '字', '😀'))
    .map(([length, char]) => prefix + char.repeat(Math.max(0, length - prefix.length)));
  if (schema.format !== 'uri') {
    return atLimits;
  }
  const nearMissUrls = fc.constantFrom(
    'not a url',
    'example.com/a.png',
    '//example.com/a.png',
    'ftp://example.com/a.png',
    'HTTPS://EXAMPLE.COM/A.PNG',
    'https://exa mple.com/a.png',
    'https://',
    'javascript:alert(1)',
    ' https://example.com/a.png',
  );
  return fc.oneof(atLimits, nearMissUrls);
}

/**
 * Values close to an enum's: strings in other case, padded, cut short, extended; numbers off by a
 * half or one past the ends, or as strings.
 */
function enumNear(schema: JsonSchema): fc.Arbitrary<unknown> {
  const values = (schema.enum ?? []) as unknown[];
  const strings = values.filter((value): value is string => typeof value === 'string');
  const numbers = values.filter((value): value is number => typeof value === 'number');
  const near: fc.Arbitrary<unknown>[] = [];
  if (strings.length > 0) {
    near.push(
      fc
        .constantFrom(...strings)
        .chain((value) =>
          fc.constantFrom(value.toUpperCase(), ` ${value}`, `${value} `, value.slice(0, -1), `${value}x`, ''),
        ),
    );
  }
  if (numbers.length > 0) {
    near.push(
      fc
        .constantFrom(...numbers)
        .chain((value) =>
          fc.constantFrom(value + 0.5, String(value), Math.max(...numbers) + 1, Math.min(...numbers) - 1),
        ),
    );
  }
  return fc.oneof(...near);
}

/** How to break a valid body, each mutation derived from the schema's fields. */
function mutationsOf(schema: JsonSchema): fc.Arbitrary<(body: unknown) => unknown> {
  const fields = fieldsOf(schema);
  const requiredPaths = fields.filter((field) => field.required).map((field) => field.path);
  const objectPaths = [
    [],
    ...fields.filter((field) => field.schema.type === 'object').map((field) => field.path),
  ];
  const numeric = fields.filter((field) => field.schema.type === 'number' || field.schema.type === 'integer');
  const limited = fields.filter(
    (field) =>
      field.schema.type === 'string' &&
      (field.schema.minLength !== undefined || field.schema.maxLength !== undefined || field.schema.format),
  );
  const enums = fields.filter((field) => Array.isArray(field.schema.enum));
  const edit = (field: Field, values: fc.Arbitrary<unknown>) =>
    values.map((value) => (body: unknown) => setAt(body, field.path, value));
  return fc.oneof(
    // Drop a required property.
    fc.constantFrom(...requiredPaths).map((path) => (body: unknown) => setAt(body, path, undefined)),
    // Give any property a wrong type.
    fc.constantFrom(...fields).chain((field) => edit(field, wrongTypeOf(field.schema))),
    // Numbers at, around and far outside their bounds.
    fc.constantFrom(...numeric).chain((field) => edit(field, numberNear(field.schema))),
    // Strings at and just over their length limits, near-miss URLs.
    fc.constantFrom(...limited).chain((field) => edit(field, stringNear(field.schema))),
    // Near misses of enum values.
    fc.constantFrom(...enums).chain((field) => edit(field, enumNear(field.schema))),
    // An extra property anywhere (the schema allows them: the oracle decides).
    fc
      .tuple(fc.constantFrom(...objectPaths), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
      .map(
        ([path, key, value]) =>
          (body: unknown) =>
            setAt(body, [...path, key], value),
      ),
  );
}

const CREATE_TASK_SCHEMA = jsonSchemaOf('CreateTaskRequest');
/**
 * createTask bodies built from the schemas of every model. The builder reads types, bounds, enums
 * and forms; cross-field rules (`if`/`then`, `not`, one `oneOf` form only) it leaves to the
 * validator, so a few of its bodies are invalid: `validBody` keeps the valid ones.
 */
const schemaBody = validOf(CREATE_TASK_SCHEMA);
const validBody = schemaBody.filter((body) => validateSchema('CreateTaskRequest', overTheWire(body)).ok);
/** Valid bodies with one mutation applied. */
const mutatedBody = fc
  .tuple(validBody, mutationsOf(CREATE_TASK_SCHEMA))
  .map(([body, mutate]) => mutate(body));
/** Anything JSON, objects or not. */
const garbageBody = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(null, true, false, [], {}, ''),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
);
/** The mix property 1 sends. */
const anyBody = fc.oneof(
  { arbitrary: validBody, weight: 3 },
  { arbitrary: mutatedBody, weight: 5 },
  { arbitrary: garbageBody, weight: 2 },
);

// ---------------------------------------------------------------------------------------------------
// Raw bodies, content types, query strings and headers.
// ---------------------------------------------------------------------------------------------------

/** One printable ASCII character (what fetch accepts in a header value without rejecting it). */
const printableChar = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
/** Printable ASCII strings. */
const printable = (maxLength = 40) => fc.string({ unit: printableChar, maxLength });

/** JSON text that cannot be a valid request: a valid body cut short, or followed by junk. */
const brokenJson = fc.oneof(
  fc.tuple(validBody, fc.nat()).map(([body, cut]) => {
    const text = JSON.stringify(body);
    return text.slice(0, cut % text.length);
  }),
  fc
    .tuple(validBody, fc.constantFrom('}', ',', ']', 'x', '\u0000', '{', '"'))
    .map(([body, junk]) => JSON.stringify(body) + junk),
  fc.constantFrom('{', '{"model":', '[1,', '{"a":1,}', "{'model':'x'}", 'NaN', 'undefined', '\uFEFF{}'),
);
/** Bytes that are not a createTask request. */
const junkBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => new TextEncoder().encode(text)),
  brokenJson.map((text) => new TextEncoder().encode(text)),
);
/** Content types: JSON in several spellings and charsets, other types, malformed ones, none. */
const contentType = fc.oneof(
  fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/json; charset=nope',
    'application/json;;;',
    'application/vnd.api+json',
    'text/plain',
    'text/html',
    'multipart/form-data',
    'multipart/form-data; boundary=fuzz',
    'application/x-www-form-urlencoded',
    'application/octet-stream',
  ),
  printable(30),
);
/** Content encodings, mostly ones the junk is not actually encoded with. */
const contentEncoding = fc.constantFrom(undefined, undefined, 'gzip', 'deflate', 'br', 'identity', 'x-fuzz');
/** POST endpoints of the API and their error code for an unreadable body. */
const POST_PATHS: Readonly<Record<string, number>> = {
  [CREATE_TASK]: 422,
  '/api/v1/common/download-url': 422,
  '/api/file-base64-upload': 400,
  '/api/file-url-upload': 400,
  '/api/file-stream-upload': 400,
};

/** Strings used as taskId: ASCII, Unicode, blank, very long, and near misses of real ids. */
const taskIdText = (knownIds: readonly string[]) =>
  fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom(' ', '\t', '\u00a0', '%', '+', '&', '=', '#', '..', 'null', 'undefined', '__proto__'),
    fc.nat({ max: 6000 }).map((length) => 'f'.repeat(length)),
    fc.constantFrom(...knownIds),
    fc.constantFrom(...knownIds).map((id) => id.toUpperCase()),
    fc.constantFrom(...knownIds).map((id) => ` ${id}`),
    fc.constantFrom(...knownIds).map((id) => id.slice(1)),
  );
/** Query strings that are not one well-formed taskId: repeated, raw, malformed escapes, other keys. */
const oddQuery = (knownIds: readonly string[]) =>
  fc.oneof(
    fc
      .array(taskIdText(knownIds), { minLength: 2, maxLength: 4 })
      .map((ids) => ids.map((id) => `taskId=${encodeURIComponent(id)}`).join('&')),
    printable(60).map((raw) => `taskId=${raw}`),
    printable(60),
    fc.constantFrom(
      '',
      'taskId',
      'taskId=',
      'taskId[]=x',
      'taskId[a]=b',
      'TASKID=x',
      'taskId=%',
      'taskId=%zz',
      'taskId=%E0%A4%A',
      'taskId=%00',
      '&&&',
      'taskId=a&taskid=b',
    ),
  );

/** Authorization header values: missing, empty, bare scheme, other schemes, random, very long. */
const authorization = fc.oneof(
  fc.constantFrom(
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Bearer  ',
    'bearer lower-case-scheme',
    'BEARER upper-case-scheme',
    'Bearer\ttabbed-token',
    'Basic dXNlcjpwYXNz',
    'Token abc',
    'Bearerx',
  ),
  printable(),
  printable().map((token) => `Bearer ${token}`),
  fc.nat({ max: 8000 }).map((length) => `Bearer ${'k'.repeat(length)}`),
);

/** Whether a header value (as fetch sends it: trimmed) carries a non-empty bearer token. */
const hasBearerToken = (header: string | undefined): boolean =>
  header !== undefined && /^bearer\s+\S/i.test(header.trim());

// ---------------------------------------------------------------------------------------------------
// The server.
// ---------------------------------------------------------------------------------------------------

let mock: RunningMockServer;
let caller: MockCaller;

beforeAll(async () => {
  // Tasks stay `waiting` for an hour of mock time, so no callback is ever sent to a generated callBackUrl.
  mock = await startTestMock({
    rateLimit: false,
    credits: 1e12,
    timing: { waitingMs: 3_600_000, queuingMs: 0, generatingMs: 0 },
  });
  caller = new MockCaller(mock, API_KEY);
});

afterAll(async () => {
  await mock?.close();
});

interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  headers: string;
}

/** A request with full control over body and headers; the answer as text. */
async function send(
  method: string,
  path: string,
  init: { body?: Uint8Array; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const response = await fetch(`${mock.url}${path}`, {
    method,
    headers: init.headers ?? {},
    ...(init.body ? { body: init.body } : {}),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
    headers: [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n'),
  };
}

/** Checks what every API answer must be: JSON, no 5xx, no stack trace, no echo of `secret`. */
function expectSafeAnswer(answer: RawAnswer, secret = API_KEY): Json {
  expect(answer.status, answer.text).toBeLessThan(500);
  expect(answer.contentType).toMatch(/^application\/json\b/);
  expect(answer.text).not.toMatch(STACK_FRAME);
  expect(answer.text).not.toMatch(ERROR_PREFIX);
  if (secret.length >= 8) {
    expect(answer.text).not.toContain(secret);
    expect(answer.headers).not.toContain(secret);
  }
  const body: unknown = JSON.parse(answer.text);
  expect(isRecord(body) && 'code' in body && 'msg' in body && 'data' in body, answer.text).toBe(true);
  const code = (body as Json).code;
  expect(typeof code === 'number' && code < 500, answer.text).toBe(true);
  return body as Json;
}

describe('fuzzing the mock server', () => {
  it('generates valid createTask bodies of every model from the spec (the generator itself)', () => {
    const samples = fc.sample(schemaBody, { numRuns: 2_000, seed: 42 });
    const valid = samples.filter((body) => validateSchema('CreateTaskRequest', overTheWire(body)).ok);
    // Mostly valid (the cross-field rules are the validator's), and every model among them.
    expect(valid.length / samples.length).toBeGreaterThan(0.5);
    const modelsSeen = new Set(valid.map((body) => (body as Json).model));
    for (const model of models) {
      expect(modelsSeen, model.id).toContain(model.id);
    }
  });

  it('answers createTask with 200 exactly for spec-valid bodies, else 422 (property 1)', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const answer = await caller.createTask(body);
        expect(answer.status).toBe(200);
        const { code, msg, data } = answer.body;
        const expected = validateSchema('CreateTaskRequest', overTheWire(body));
        if (expected.ok) {
          expect(code, msg).toBe(200);
          expect(data?.taskId).toMatch(TASK_ID);
        } else {
          expect(code).toBe(422);
          expect(msg.length).toBeGreaterThan(0);
          expect(data).toBeNull();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('answers junk bodies of any content type with an error envelope, never a 5xx (property 2)', async () => {
    const paths = Object.keys(POST_PATHS);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        junkBytes,
        contentType,
        contentEncoding,
        async (path, bytes, type, encoding) => {
          const headers: Record<string, string> = { Authorization: `Bearer ${API_KEY}` };
          if (type !== undefined) {
            headers['Content-Type'] = type;
          }
          if (encoding !== undefined) {
            headers['Content-Encoding'] = encoding;
          }
          const answer = await send('POST', path, { body: bytes, headers });
          const body = expectSafeAnswer(answer);
          expectValidEnvelope(path, body);
          expect(body.code, answer.text).toBe(POST_PATHS[path]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a createTask body just over its size limit with a 422 envelope (property 2)', async () => {
    const prompt = 'a'.repeat(CREATE_TASK_BODY_LIMIT);
    const json = JSON.stringify({ ...SEED_REQUEST, input: { ...SEED_REQUEST.input, prompt } });
    const answer = await send('POST', CREATE_TASK, {
      body: new TextEncoder().encode(json),
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    });
    const body = expectSafeAnswer(answer);
    expectValidEnvelope(CREATE_TASK, body);
    expect(body.code).toBe(422);
    expect(body.msg).toMatch(/too large/i);
  });

  describe('recordInfo with arbitrary taskIds (property 3)', () => {
    let knownIds: string[] = [];

    beforeAll(async () => {
      knownIds = [await caller.newTask(), await caller.newTask()];
    });

    it('answers one taskId with 200 for a known id, 400 for a blank one, else 422', async () => {
      await fc.assert(
        fc.asyncProperty(taskIdText(knownIds), async (taskId) => {
          const answer = await caller.record(taskId);
          expect(answer.status).toBe(200);
          const expected = knownIds.includes(taskId) ? 200 : taskId.trim() === '' ? 400 : 422;
          expect(answer.body.code, answer.body.msg).toBe(expected);
          if (expected === 200) {
            expect(answer.body.data?.taskId).toBe(taskId);
          }
        }),
        { numRuns: 200 },
      );
    });

    it('answers odd query strings with a valid envelope and code 200, 400 or 422', async () => {
      await fc.assert(
        fc.asyncProperty(oddQuery(knownIds), async (query) => {
          const answer = await send('GET', `${RECORD_INFO}?${query}`, {
            headers: { Authorization: `Bearer ${API_KEY}` },
          });
          const body = expectSafeAnswer(answer);
          expectValidEnvelope(RECORD_INFO, body);
          expect(answer.status).toBe(200);
          expect([200, 400, 422]).toContain(body.code);
          if (body.code === 200) {
            expect(knownIds).toContain((body.data as Json).taskId);
          }
        }),
        { numRuns: 150 },
      );
    });
  });

  it('answers 401 exactly when the Authorization header has no bearer token (property 4)', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, fc.constantFrom(CREDIT, CREATE_TASK), async (header, path) => {
        const headers: Record<string, string> = header === undefined ? {} : { Authorization: header };
        const isCreate = path === CREATE_TASK;
        if (isCreate) {
          headers['Content-Type'] = 'application/json';
        }
        const answer = await send(isCreate ? 'POST' : 'GET', path, {
          headers,
          ...(isCreate ? { body: new TextEncoder().encode(JSON.stringify(SEED_REQUEST)) } : {}),
        });
        const token = header?.replace(/^\s*bearer\s+/i, '').trim() ?? '';
        const body = expectSafeAnswer(answer, token);
        expectValidEnvelope(path, body);
        expect(answer.status).toBe(200);
        if (hasBearerToken(header)) {
          expect(body.code, String(body.msg)).toBe(200);
        } else {
          expect(body).toEqual({ code: 401, msg: 'You do not have access permissions', data: null });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is still up after all of it (property 5)', async () => {
    const answer = await send('GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ status: 'ok' });
  });
});
