import {
  formatIssues,
  type JsonSchema,
  jsonSchemaOf,
  type ModelFacts,
  models,
  type SchemaName,
  UNKNOWN_MODEL_MESSAGE,
  validateCreateTaskRequest,
} from '@kling-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMockServer } from '../src/index';
import { MockCaller, SEED_REQUEST, startTestMock } from './helpers';

/** One broken rule: where, which keyword, and a value that breaks it. */
interface Violation {
  path: string;
  keyword: string;
  value: unknown;
}

const resolve = (schema: JsonSchema): JsonSchema =>
  typeof schema.$ref === 'string'
    ? resolve(jsonSchemaOf(schema.$ref.replace('#/components/schemas/', '') as SchemaName))
    : schema.allOf
      ? (Object.assign({}, ...(schema.allOf as JsonSchema[]).map(resolve), schema) as JsonSchema)
      : schema;

/** Derives a breaking value for every constraint the spec puts on an object's fields. */
function violationsOf(schemaName: SchemaName, prefix: string): Violation[] {
  const schema = resolve(jsonSchemaOf(schemaName));
  const out: Violation[] = [];
  for (const name of (schema.required as string[]) ?? []) {
    out.push({ path: `${prefix}${name}`, keyword: 'required', value: undefined });
  }
  for (const [name, raw] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
    const field = resolve(raw);
    const path = `${prefix}${name}`;
    if (typeof field.const === 'string') {
      out.push({ path, keyword: 'const', value: `${field.const}-not-allowed` });
    }
    if (typeof field.maxLength === 'number') {
      out.push({ path, keyword: 'maxLength', value: '字'.repeat(field.maxLength + 1) });
    }
    if (typeof field.minLength === 'number' && field.minLength > 0) {
      out.push({ path, keyword: 'minLength', value: '' });
    }
    if (Array.isArray(field.enum)) {
      out.push({ path, keyword: 'enum', value: `${String(field.enum[0])}-not-allowed` });
      if (field.enum.every((option) => typeof option === 'string' && /^\d+$/.test(option))) {
        out.push({ path, keyword: 'enum', value: Number(field.enum[0]) });
      }
    }
    if (typeof field.maximum === 'number') {
      out.push({
        path,
        keyword: 'maximum',
        value: field.maximum + ((field.multipleOf as number | undefined) ?? 1),
      });
    }
    if (typeof field.minimum === 'number') {
      out.push({
        path,
        keyword: 'minimum',
        value: field.minimum - ((field.multipleOf as number | undefined) ?? 1),
      });
    }
    if (typeof field.multipleOf === 'number') {
      out.push({ path, keyword: 'multipleOf', value: (field.minimum as number) + field.multipleOf / 2 });
    }
    if (field.format === 'uri') {
      out.push({ path, keyword: 'format', value: 'not a url' });
      out.push({ path, keyword: 'pattern', value: 'ftp://example.com/file.png' });
    }
    if (field.anyOf) {
      out.push({ path, keyword: 'anyOf', value: 'not a url' });
    }
    if (field.type === 'string' || field.type === 'number') {
      out.push({ path, keyword: 'type', value: field.type === 'string' ? 12345 : '0.5' });
    }
  }
  return out;
}

const VIOLATIONS = [
  ...violationsOf('KlingV21ProRequest', ''),
  ...violationsOf('KlingV21ProInput', 'input.'),
].filter(
  (violation) => violation.path !== 'input', // `input` itself is replaced wholesale below
);

function breaking(violation: Violation): unknown {
  const body = structuredClone(SEED_REQUEST) as unknown as Record<string, unknown>;
  const [first, second] = violation.path.split('.') as [string, string | undefined];
  const target = second ? (body[first] as Record<string, unknown>) : body;
  const key = second ?? first;
  if (violation.value === undefined) {
    delete target[key];
  } else {
    target[key] = violation.value;
  }
  return body;
}

describe('createTask validation, every rule of the spec', () => {
  let mock: RunningMockServer;
  let kie: MockCaller;
  beforeAll(async () => {
    mock = await startTestMock({ rateLimit: false });
    kie = new MockCaller(mock);
  });
  afterAll(() => mock.close());

  it('derives a case for each limit of the seed', () => {
    const keys = new Set(VIOLATIONS.map((violation) => `${violation.path}:${violation.keyword}`));
    for (const expected of [
      'model:required',
      'model:const',
      'input.prompt:required',
      'input.prompt:maxLength',
      'input.prompt:minLength',
      'input.image_url:required',
      'input.image_url:format',
      'input.duration:enum',
      'input.negative_prompt:maxLength',
      'input.cfg_scale:maximum',
      'input.cfg_scale:minimum',
      'input.cfg_scale:multipleOf',
      'input.tail_image_url:anyOf',
      'callBackUrl:anyOf',
    ]) {
      expect(keys, expected).toContain(expected);
    }
  });

  it.each(VIOLATIONS.map((violation) => [`${violation.path} (${violation.keyword})`, violation] as const))(
    'answers 422 naming %s',
    async (_label, violation) => {
      const answer = await kie.createTask(breaking(violation));
      expect(answer.status).toBe(200);
      expect(answer.body.code).toBe(422);
      expect(answer.body.data).toBeNull();
      // A model kie.ai does not serve gets kie.ai's own text; every other rule is named by its field.
      if (violation.path === 'model' && violation.keyword === 'const') {
        expect(answer.body.msg).toBe(UNKNOWN_MODEL_MESSAGE);
      } else {
        expect(answer.body.msg).toContain(`${violation.path}:`);
      }
    },
  );

  it('accepts the limits themselves', async () => {
    const fields = jsonSchemaOf('KlingV21ProInput').properties as Record<string, JsonSchema>;
    const prompt = '浪'.repeat(fields.prompt?.maxLength as number);
    const answer = await kie.createTask({
      ...SEED_REQUEST,
      input: { ...SEED_REQUEST.input, prompt, cfg_scale: 0.7 },
    });
    expect(answer.body.code).toBe(200);
  });

  it('answers the envelope for a wrong Content-Type, malformed JSON, a non-object and an oversized body', async () => {
    const cases: [string, { body: RequestInit['body']; headers: Record<string, string> }, string][] = [
      [
        'text/plain',
        { body: JSON.stringify(SEED_REQUEST), headers: { 'Content-Type': 'text/plain' } },
        'Content-Type must be application/json',
      ],
      [
        'no content type',
        { body: new Blob([JSON.stringify(SEED_REQUEST)]), headers: {} },
        'Content-Type must be application/json',
      ],
      [
        'malformed',
        { body: '{"model": "kling/v2-1-pro",', headers: { 'Content-Type': 'application/json' } },
        'not valid JSON',
      ],
      ['an array', { body: '[1,2]', headers: { 'Content-Type': 'application/json' } }, 'must be an object'],
      ['null', { body: 'null', headers: { 'Content-Type': 'application/json' } }, 'must be an object'],
      [
        'over 1 MB',
        {
          body: JSON.stringify({ ...SEED_REQUEST, padding: 'x'.repeat(1_100_000) }),
          headers: { 'Content-Type': 'application/json' },
        },
        'Request body too large (limit 1 MB)',
      ],
    ];
    for (const [label, init, message] of cases) {
      const answer = await kie.call('POST', '/api/v1/jobs/createTask', init);
      expect(answer.status, label).toBe(200);
      expect(answer.body, label).toMatchObject({ code: 422, data: null });
      expect(String(answer.body.msg), label).toContain(message);
    }
  });

  it('never leaks a stack trace or the key', async () => {
    const secretKey = 'sk-very-secret-key-123';
    const caller = new MockCaller(mock, secretKey);
    const answers = await Promise.all([
      caller.call('POST', '/api/v1/jobs/createTask', {
        body: '{"a":',
        headers: { 'Content-Type': 'application/json' },
      }),
      caller.createTask({ model: secretKey }),
      caller.call('GET', `/api/v1/jobs/recordInfo?taskId=${secretKey}`),
    ]);
    for (const answer of answers) {
      const text = JSON.stringify(answer.body);
      expect(text).not.toContain(secretKey.slice(3));
      expect(text).not.toMatch(/at .+:\d+:\d+/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Every model of the family: rows derived from its own request and input schemas.
// ---------------------------------------------------------------------------------------------------

/** One invalid body of a model and why it is invalid. */
interface ModelRow {
  label: string;
  body: Record<string, unknown>;
  /** The field the message must name; undefined for an unknown model. */
  field: string | undefined;
}

/** A model's example request without its third-party callBackUrl. */
function exampleOf(facts: ModelFacts): { model: string; input: Record<string, unknown> } {
  const { callBackUrl: _thirdParty, ...request } = structuredClone(facts.example) as {
    model: string;
    callBackUrl?: string;
    input: Record<string, unknown>;
  };
  return request;
}

/** The input schema's object form the example uses (a `oneOf` input has several). */
function inputFormOf(facts: ModelFacts, input: Record<string, unknown>): JsonSchema {
  const schema = resolve(jsonSchemaOf(facts.inputSchema as SchemaName));
  const forms = ((schema.oneOf as JsonSchema[] | undefined) ?? [schema]).map(resolve);
  const fits = (form: JsonSchema) =>
    ((form.required as string[] | undefined) ?? []).every((name) => name in input) &&
    (form.additionalProperties !== false ||
      Object.keys(input).every((name) => name in ((form.properties as object | undefined) ?? {})));
  const form = forms.find(fits);
  if (!form) {
    throw new Error(`${facts.id}: no input form fits the example`);
  }
  return form;
}

/** A missing required field, an out-of-enum value and a wrong type per field, from the schemas. */
function rowsOf(facts: ModelFacts): ModelRow[] {
  const example = exampleOf(facts);
  const form = inputFormOf(facts, example.input);
  const withInput = (input: Record<string, unknown>) => ({ ...example, input });
  const rows: ModelRow[] = [
    { label: 'no input', body: { model: example.model }, field: 'input' },
    {
      label: 'callBackUrl not http(s)',
      body: { ...example, callBackUrl: 'ftp://example.com/cb' },
      field: 'callBackUrl',
    },
  ];
  const request = resolve(jsonSchemaOf(facts.requestSchema as SchemaName));
  const model = resolve((request.properties as Record<string, JsonSchema>).model as JsonSchema);
  const ids = (model.enum as string[] | undefined) ?? [model.const as string];
  rows.push({
    label: 'model id misspelt',
    body: { ...example, model: `${ids[0]}-not-allowed` },
    field: undefined,
  });
  for (const name of (form.required as string[] | undefined) ?? []) {
    const { [name]: _dropped, ...input } = example.input;
    rows.push({ label: `input.${name} missing`, body: withInput(input), field: `input.${name}` });
  }
  for (const [name, raw] of Object.entries((form.properties as Record<string, JsonSchema>) ?? {})) {
    const field = resolve(raw);
    if (Array.isArray(field.enum)) {
      const first = field.enum[0];
      const outside =
        typeof first === 'number'
          ? Math.max(...(field.enum as number[])) + 1
          : `${String(first)}-not-allowed`;
      rows.push({
        label: `input.${name} out of enum`,
        body: withInput({ ...example.input, [name]: outside }),
        field: `input.${name}`,
      });
    }
    if (field.type === 'boolean') {
      rows.push({
        label: `input.${name} not a boolean`,
        body: withInput({ ...example.input, [name]: 'yes' }),
        field: `input.${name}`,
      });
    }
  }
  return rows;
}

const MODEL_ROWS = models.flatMap((facts) =>
  rowsOf(facts).map((row) => [`${facts.id}: ${row.label}`, facts.id, row] as const),
);

describe('createTask validation, every model of the family', () => {
  let mock: RunningMockServer;
  let kie: MockCaller;
  beforeAll(async () => {
    mock = await startTestMock({ rateLimit: false });
    kie = new MockCaller(mock);
  });
  afterAll(() => mock.close());

  it('derives a missing required field and an out-of-enum value for every model', () => {
    for (const facts of models) {
      const labels = MODEL_ROWS.filter(([, id]) => id === facts.id).map(([, , row]) => row.label);
      expect(
        labels.some((label) => label.endsWith(' missing')),
        facts.id,
      ).toBe(true);
      expect(labels.filter((label) => label.startsWith('input.')).length, facts.id).toBeGreaterThanOrEqual(2);
    }
    expect(
      models.filter((facts) =>
        MODEL_ROWS.some(([, id, row]) => id === facts.id && row.label.endsWith('out of enum')),
      ),
    ).toHaveLength(
      models.filter((facts) => facts.id !== 'kling/ai-avatar-standard' && facts.id !== 'kling/ai-avatar-pro')
        .length,
    );
  });

  it.each(MODEL_ROWS)('%s answers 422 with the validator’s message', async (_label, _id, row) => {
    const answer = await kie.createTask(row.body);
    expect(answer.status).toBe(200);
    expect(answer.body.code).toBe(422);
    expect(answer.body.data).toBeNull();
    if (row.field === undefined) {
      expect(answer.body.msg).toBe(UNKNOWN_MODEL_MESSAGE);
      return;
    }
    const expected = validateCreateTaskRequest(row.body);
    expect(expected.ok).toBe(false);
    expect(answer.body.msg).toBe(expected.ok ? '' : formatIssues(expected.issues));
    expect(answer.body.msg).toContain(`${row.field}:`);
  });

  it('accepts each model’s documented example', async () => {
    for (const facts of models) {
      const answer = await kie.createTask(exampleOf(facts));
      expect(answer.body.code, `${facts.id}: ${answer.body.msg}`).toBe(200);
    }
  });
});
