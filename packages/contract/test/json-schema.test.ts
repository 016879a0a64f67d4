import { describe, expect, it } from 'vitest';
import {
  assertAllSchemasSupported,
  formatIssues,
  jsonSchemaOf,
  validateCreateTaskRequest,
  validateSchema,
  validateTaskRecord,
} from '../src/index';
import { assertSupportedKeywords, collectIssues, type ValidationIssue } from '../src/json-schema';

const check = (schema: Record<string, unknown>, value: unknown): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  collectIssues(
    schema,
    value,
    () => {
      throw new Error('no refs here');
    },
    '',
    issues,
  );
  return issues;
};

describe('the contract validator', () => {
  it('refuses a schema with a keyword it would otherwise ignore', () => {
    expect(() => assertSupportedKeywords({ type: 'string', contains: {} }, 'X')).toThrow(
      'X: JSON Schema keyword "contains" is not supported',
    );
    expect(() => assertSupportedKeywords({ properties: { a: { uniqueItems: true } } }, 'X')).toThrow(
      'X.properties.a: JSON Schema keyword "uniqueItems"',
    );
    expect(() =>
      assertSupportedKeywords({ type: 'string', 'x-anything': 1, description: 'd' }),
    ).not.toThrow();
  });

  it('counts characters as code points, as JSON Schema does', () => {
    expect(check({ type: 'string', maxLength: 2 }, '🌊🏄')).toEqual([]);
    expect(check({ type: 'string', maxLength: 2 }, '🌊🏄🌊')).toHaveLength(1);
  });

  it('handles integers, nulls, arrays, alternatives and unknown fields', () => {
    expect(check({ type: 'integer' }, 1.5)[0]?.message).toBe('must be an integer');
    expect(check({ type: ['integer', 'null'] }, null)).toEqual([]);
    expect(check({ type: 'array', minItems: 1, items: { type: 'string' } }, [])[0]?.keyword).toBe('minItems');
    expect(check({ type: 'array', items: { type: 'string' } }, ['a', 2])[0]?.path).toBe('[1]');
    expect(check({ type: 'object', properties: { a: { type: 'string' } } }, { a: 'x', extra: 1 })).toEqual(
      [],
    );
    expect(check({ anyOf: [{ type: 'string', minLength: 2 }, { type: 'null' }] }, 'x')[0]).toEqual({
      path: '',
      keyword: 'minLength',
      message: 'must be at least 2 characters',
    });
    expect(check({ anyOf: [{ type: 'string' }, { type: 'number' }] }, true)[0]?.message).toBe(
      'must be a string, or must be a number',
    );
    expect(check({ type: 'string', format: 'date-time' }, '2025-08-19T10:33:54.000Z')).toEqual([]);
    expect(check({ type: 'string', format: 'date-time' }, 'yesterday')).toHaveLength(1);
    expect(() => assertSupportedKeywords({ oneOf: [] })).toThrow('"oneOf" is not supported');
  });

  it('validates records with failCode as string, integer or null, and rejects other types', () => {
    const record = {
      taskId: 'e989621f54392584b05867f87b160672',
      model: 'kling/v2-1-pro',
      state: 'fail',
      param: '{}',
      createTime: 1755599634000,
    };
    for (const failCode of ['500', 500, null, '']) {
      expect(validateTaskRecord({ ...record, failCode }).ok).toBe(true);
    }
    const bad = validateTaskRecord({ ...record, failCode: true, state: 'done', createTime: '1755599634000' });
    expect(bad.ok).toBe(false);
    expect(formatIssues(bad.issues ?? [])).toBe(
      'state: must be one of "waiting", "queuing", "generating", "success", "fail"; failCode: must be a string or an integer or null; createTime: must be an integer',
    );
  });

  it('keeps times above 32 bits as plain numbers', () => {
    expect(jsonSchemaOf('UnixMillis')).not.toHaveProperty('format');
    expect(validateSchema('UnixMillis', 1755599634000).ok).toBe(true);
  });

  it('throws for a schema name the spec does not have', () => {
    expect(() => validateSchema('Nope' as never, {})).toThrow('No generated JSON Schema for "Nope"');
  });
});

describe('coverage of the generated schemas', () => {
  it('uses only keywords the validator enforces', () => {
    expect(() => assertAllSchemasSupported()).not.toThrow();
  });

  it('gives the standalone createTask validator every schema it references', () => {
    const seedLike = {
      model: 'kling/v2-1-pro',
      callBackUrl: 'x',
      input: { prompt: '', image_url: 'y', duration: '7', tail_image_url: 'z' },
    };
    expect(validateCreateTaskRequest(seedLike)).toEqual(validateSchema('CreateTaskRequest', seedLike));
  });
});
