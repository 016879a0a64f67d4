/**
 * The compiled validators against an independent oracle: ajv 8 (JSON Schema 2020-12, the dialect
 * of OpenAPI 3.1) reading the spec's own schemas. On every row of the constraint table, every
 * example of the spec, and values fast-check generates, each compiled check must give ajv's
 * verdict, and every field it names must be a field ajv names too.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as checks from '../src/generated/validators';
import { type SchemaName, spec, type ValidationIssue } from '../src/index';
import { accepted, rejected, seed } from './create-task-rows';
import { collectExamples } from './spec-examples';

// ajv-formats is CommonJS: its default export arrives wrapped under `default` in ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

const ajv = new Ajv2020({
  allErrors: true,
  strict: false, // the spec's `x-` extensions, `example` and OpenAPI's `discriminator` are annotations
  multipleOfPrecision: 9, // the same 1e-9 tolerance as the compiled check (cfg_scale steps of 0.1)
  validateFormats: true,
});
addFormats(ajv, ['uri', 'date-time']);
ajv.addSchema({ $id: 'spec', components: spec.components }, 'spec');

const oracles = new Map<string, ValidateFunction>();
const oracle = (name: string): ValidateFunction => {
  let validate = oracles.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `spec#/components/schemas/${name}` });
    oracles.set(name, validate);
  }
  return validate;
};

const schemaNames = Object.keys(spec.components.schemas) as SchemaName[];
const compiled = (name: string) =>
  (checks as Record<string, (value: unknown) => ValidationIssue[]>)[`check${name}`] as (
    value: unknown,
  ) => ValidationIssue[];

/** `input.prompt`, `resultUrls[0]` → `/input/prompt`, `/resultUrls/0`. */
const pointerOf = (path: string): string =>
  path === ''
    ? ''
    : `/${path
        .replace(/\[(\d+)\]/g, '.$1')
        .split('.')
        .join('/')}`;

/** Every location ajv names: the failing value, or the missing property for `required`. */
const ajvPaths = (errors: readonly ErrorObject[]): Set<string> =>
  new Set(
    errors.map((error) =>
      error.keyword === 'required'
        ? `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}`
        : error.keyword === 'additionalProperties'
          ? `${error.instancePath}/${(error.params as { additionalProperty: string }).additionalProperty}`
          : error.instancePath,
    ),
  );

/** Compares one value under one schema; returns a description of the disagreement, or ''. */
function disagreement(name: string, value: unknown): string {
  const ours = compiled(name)(value);
  const validate = oracle(name);
  const theirs = validate(value);
  if (theirs !== (ours.length === 0)) {
    return `${name}: ajv says ${theirs ? 'valid' : 'invalid'}, compiled says ${JSON.stringify(ours)} for ${JSON.stringify(value)}`;
  }
  if (!theirs) {
    const named = ajvPaths(validate.errors ?? []);
    const unknown = ours.filter((issue) => !named.has(pointerOf(issue.path)));
    if (unknown.length > 0) {
      return `${name}: compiled names ${unknown.map((issue) => issue.path || '(root)').join(', ')}; ajv names ${[...named].join(', ')} for ${JSON.stringify(value)}`;
    }
  }
  return '';
}

describe('compiled validators against ajv', () => {
  it('agree on every row of the createTask constraint table', () => {
    for (const row of [...rejected, ...accepted]) {
      expect(disagreement('CreateTaskRequest', row.body), row.name).toBe('');
    }
  });

  it('agree on every example of the spec', () => {
    const examples = collectExamples();
    expect(examples.length).toBeGreaterThan(10);
    for (const example of examples) {
      expect(disagreement(example.schemaName, example.value), `${example.where} ${example.name}`).toBe('');
    }
  });

  it('agree on the formats: URLs and date-times, on the edge and generated', () => {
    const urls = [
      'https://example.com/a.png',
      'https://example.com/a b.png',
      'https://例子.测试/a.png',
      'https://example.com/%zz',
      'http://127.0.0.1:99999/x',
      'http://[::1]:4010/x',
      'http://[1:2]/x',
      'http://256.1.1.1/a',
      'https://user:pw@example.com/a?x=1#y',
      'https:/example.com',
      'https://exa_mple.com/a',
      'https://example.com/<a>',
      'http://[::]/',
      'http://[1::]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[1:2:3:4:5:6:1.2.3.4]/',
      'http://[1:2:3:4:5:6:7:1.2.3.4]/',
      'http://[1::2::3]/',
      'http://[:1:2:3:4:5:6:7]/',
      'http://[12345::]/',
      'http://[v1.x]/',
      'http://[v.x]/',
      'http://[::1]]/',
      'http://[::256.1.1.1]/',
    ];
    const dates = [
      '2025-08-19T10:33:54.000Z',
      '2025-08-19t10:33:54z',
      '2025-08-19 10:33:54Z',
      '2025-02-29T00:00:00Z',
      '2024-02-29T00:00:00Z',
      '2025-02-30T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-12-31T23:59:60Z',
      '2025-12-31T23:59:60+01:00',
      '2025-12-31T22:59:60-01:00',
      '2025-08-19T10:33:54',
      '2025-08-19T10:33:54+0200',
      '2025-08-19T10:33:54+24:00',
    ];
    const upload = collectExamples().find((example) => example.schemaName === 'FileUploadEnvelope')
      ?.value as { data: Record<string, unknown> };
    const withUrl = (url: string) => ({ ...seed, input: { ...seed.input, image_url: url } });
    const withDate = (date: string) => ({ ...upload, data: { ...upload.data, uploadedAt: date } });
    for (const url of urls) {
      expect(disagreement('CreateTaskRequest', withUrl(url)), url).toBe('');
    }
    for (const date of dates) {
      expect(disagreement('FileUploadEnvelope', withDate(date)), date).toBe('');
    }
    fc.assert(
      fc.property(
        fc.oneof(
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.string(),
          fc.string({ unit: 'grapheme' }),
          // IP literals, valid and broken: the part of RFC 3986 checked outside the main expression.
          fc
            .tuple(
              fc.oneof(
                fc.ipV6(),
                fc.ipV4(),
                fc.stringMatching(/^[vV][0-9a-fA-F]{0,2}\.?[a-zA-Z:]{0,3}$/),
                fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.') }),
              ),
              fc.constantFrom('', ':', '::', '1:', ':1'),
            )
            .map(([literal, noise]) => `http://[${noise}${literal}]:8080/a`),
        ),
        (url) => {
          expect(disagreement('CreateTaskRequest', withUrl(url))).toBe('');
        },
      ),
      { numRuns: 3_000, seed: Number(process.env.FUZZ_SEED ?? 20261130) },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
          fc
            .tuple(
              fc.integer({ min: 0, max: 9999 }),
              fc.integer({ min: 0, max: 99 }),
              fc.integer({ min: 0, max: 99 }),
              fc.integer({ min: 0, max: 99 }),
              fc.integer({ min: 0, max: 99 }),
              fc.integer({ min: 0, max: 99 }),
              fc.constantFrom('Z', '+01:00', '-13:30', '', '+2400'),
            )
            .map(
              ([y, mo, d, h, mi, s, zone]) =>
                `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}${zone}`,
            ),
        ),
        (date) => {
          expect(disagreement('FileUploadEnvelope', withDate(date))).toBe('');
        },
      ),
      { numRuns: 1_000, seed: Number(process.env.FUZZ_SEED ?? 20261130) },
    );
  });

  it('agree on values generated around the limits, for every named schema', () => {
    // Values that sit on, just inside and just outside the spec's limits, mixed with anything JSON.
    const edgy = fc.oneof(
      fc.constantFrom('', ' ', 'a', '5', '10', '7', 'kling/v2-1-pro', 'success', 'fail', 'waiting'),
      fc.constantFrom(
        'https://example.com/a.png',
        'http://127.0.0.1:4010/x',
        'ftp://example.com/a',
        'example.com/a',
      ),
      fc.constantFrom(
        '2025-08-19T10:33:54.000Z',
        '2025-02-30T00:00:00Z',
        '2025-08-19 10:33:54',
        '2025-08-19T10:33:54+02:00',
      ),
      fc.webUrl(),
      fc.string({ maxLength: 8 }),
      fc.constantFrom(0, 0.1, 0.3, 0.55, 1, 1.1, -0.1, 5, 10, 1e15, 200, 401, 422, 501, -1),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant('x'.repeat(501)),
      fc.constant('浪'.repeat(5001)),
    );
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, edgy, tie('array'), tie('object')),
      array: fc.array(tie('any'), { maxLength: 3 }),
      object: fc.dictionary(
        fc.constantFrom(
          'model',
          'input',
          'callBackUrl',
          'prompt',
          'image_url',
          'duration',
          'cfg_scale',
          'negative_prompt',
          'tail_image_url',
          'taskId',
          'state',
          'param',
          'resultJson',
          'resultUrls',
          'failCode',
          'failMsg',
          'code',
          'msg',
          'data',
          'url',
          'uploadPath',
          'fileName',
          'base64Data',
          'fileUrl',
          'success',
          'createTime',
          'completeTime',
          'costTime',
          'consumeCredits',
          'remainedCredits',
          'uploadedAt',
        ),
        tie('any'),
        { maxKeys: 6 },
      ),
    }));
    // Also mutate the seed one field at a time, so deep rules are reached with everything else valid.
    const mutatedSeed = fc
      .tuple(fc.constantFrom(...Object.keys(seed.input)), value.any)
      .map(([field, replacement]) => ({ ...seed, input: { ...seed.input, [field]: replacement } }));
    fc.assert(
      fc.property(
        fc.constantFrom(...schemaNames),
        fc.oneof(value.any, value.object, mutatedSeed),
        (name, input) => {
          expect(disagreement(name, input)).toBe('');
        },
      ),
      { numRuns: 3_000, seed: Number(process.env.FUZZ_SEED ?? 20261130) },
    );
  });
});
