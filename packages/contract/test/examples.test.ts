import { describe, expect, it } from 'vitest';
import * as zodSchemas from '../src/generated/hey-api/zod.gen';
import { formatIssues, type SchemaName, spec, validateSchema } from '../src/index';
import { collectExamples, operations } from './spec-examples';

const examples = collectExamples();

describe('every example of the spec', () => {
  it('is found on every operation (request and response)', () => {
    for (const { where, operation } of operations()) {
      if (operation.requestBody) {
        expect(
          examples.some((example) => example.where.startsWith(`${where} request`)),
          where,
        ).toBe(true);
      }
      if (!where.includes('webhook')) {
        // The callback's 200 is an acknowledgement without a body; every API answer has examples.
        expect(
          examples.some((example) => example.where.startsWith(`${where} 200`)),
          where,
        ).toBe(true);
      }
    }
    expect(examples.length).toBeGreaterThanOrEqual(60);
  });

  it.each(examples.map((example) => [`${example.where} › ${example.name}`, example] as const))(
    '%s matches its schema',
    (_label, example) => {
      const result = validateSchema(example.schemaName as SchemaName, example.value);
      expect(result.ok ? '' : formatIssues(result.issues)).toBe('');
      if (example.schemaName === 'StreamUploadRequest') {
        return; // a binary field; zod expects a Blob
      }
      const zod = (
        zodSchemas as Record<string, { safeParse: (v: unknown) => { success: boolean; error?: unknown } }>
      )[`z${example.schemaName}`];
      expect(zod, `z${example.schemaName}`).toBeDefined();
      const parsed = zod?.safeParse(example.value);
      expect(parsed?.success, String(parsed?.error)).toBe(true);
    },
  );

  it('keeps the seed example verbatim, Chinese prompt included', () => {
    const seed =
      spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed.value;
    expect(seed).toEqual({
      model: 'kling/v2-1-pro',
      callBackUrl: 'https://your-domain.com/api/callback',
      input: {
        prompt:
          '第一人称视角：反重力冲浪者穿梭于悬浮半空的古老遗迹之间，发光苔藓照亮路径，冲浪板划过薄雾时发出嘶嘶声，速度越快，周遭的回声越响亮',
        image_url: 'https://file.aiquickdraw.com/custom-page/akr/section-images/1754892534386c8wt0qfs.webp',
        duration: '5',
        negative_prompt: '模糊、畸变、低画质',
        cfg_scale: 0.5,
        tail_image_url: '',
      },
    });
  });

  it('has records in every state, and param/resultJson that decode to their named schemas', () => {
    const records = examples
      .filter((example) => example.schemaName === 'TaskRecordEnvelope')
      .map((example) => (example.value as { data: Record<string, unknown> | null }).data)
      .filter((data): data is Record<string, unknown> => data !== null);
    expect(new Set(records.map((record) => record.state))).toEqual(
      new Set(['waiting', 'queuing', 'generating', 'success', 'fail']),
    );
    for (const record of records) {
      expect(validateSchema('TaskParam', JSON.parse(record.param as string)).ok).toBe(true);
      if (record.state === 'success') {
        expect(validateSchema('TaskResult', JSON.parse(record.resultJson as string)).ok).toBe(true);
      } else {
        expect(record.resultJson ?? '').toBe('');
      }
    }
  });

  it('shows every business error code in some example', () => {
    const codes = new Set(
      examples
        .map((example) => (example.value as { code?: unknown }).code)
        .filter((code) => code !== undefined),
    );
    for (const code of [200, 400, 401, 402, 404, 422, 429, 433, 455, 500, 501, 505]) {
      expect(codes.has(code), `code ${code}`).toBe(true);
    }
  });
});
