import { describe, expect, it } from 'vitest';
import { validateCreateTaskRequest } from '../src/index';
import { zCreateTaskRequest } from '../src/zod';
import { accepted, rejected, withChanges } from './create-task-rows';

describe('createTask request rules (from the seed)', () => {
  it.each(rejected.map((row) => [row.name, row] as const))('rejects %s', (_name, row) => {
    const result = validateCreateTaskRequest(row.body);
    expect(result.ok).toBe(false);
    expect(result.issues).toHaveLength(1);
    expect(result.issues?.[0]).toMatchObject({ path: row.path, keyword: row.keyword });
    if (row.zod !== false) {
      expect(zCreateTaskRequest.safeParse(row.body).success).toBe(false);
    }
  });

  it.each(accepted.map((row) => [row.name, row] as const))('accepts %s', (_name, row) => {
    const result = validateCreateTaskRequest(row.body);
    expect(result.issues).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(zCreateTaskRequest.safeParse(row.body).success).toBe(true);
  });

  it('names the field and the limit in its message', () => {
    const result = validateCreateTaskRequest(withChanges({ input: { prompt: 'a'.repeat(5001) } }));
    expect(result.issues?.[0]?.message).toBe('must be at most 5000 characters (got 5001)');
  });

  it('reports every broken rule at once', () => {
    const result = validateCreateTaskRequest(
      withChanges({ callBackUrl: 'nope', input: { duration: '7', cfg_scale: 2, image_url: undefined } }),
    );
    expect(result.issues?.map((issue) => issue.path).sort()).toEqual([
      'callBackUrl',
      'input.cfg_scale',
      'input.duration',
      'input.image_url',
    ]);
  });

  it('answers an unknown model alone: its inputs are not judged against another model', () => {
    const result = validateCreateTaskRequest(withChanges({ model: 'x', input: { duration: '7' } }));
    expect(result.issues).toEqual([expect.objectContaining({ path: 'model', keyword: 'discriminator' })]);
  });
});
