/**
 * The Kling family in the contract: every model's documented example is valid, every rule of every
 * model's input is enforced one by one (rows derived from the spec, checked against ajv too), the
 * cross-field rules (oneOf forms, mutually exclusive fields, conditional requirements) hold, and
 * the catalog agrees with the schemas.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  canonicalModelId,
  estimateCredits,
  findModel,
  formatIssues,
  MODEL_ALIASES,
  models,
  spec,
  validateCreateTaskRequest,
} from '../src/index';
import * as definitions from '../src/models';
import { familyRows } from './family-rows';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;
const ajv = new Ajv2020({ strict: false, allErrors: true, multipleOfPrecision: 9 });
addFormats(ajv, ['uri', 'date-time']);
ajv.addSchema({ $id: 'spec', components: spec.components }, 'spec');
const ajvCreateTask = ajv.compile({ $ref: 'spec#/components/schemas/CreateTaskRequest' });

const definitionList = Object.values(definitions).filter(
  (value): value is (typeof definitions)['klingV21Pro'] => typeof value === 'object' && 'validate' in value,
);

describe('the model catalog', () => {
  it('has the 19 models of KlingModel, the seed first, each with one definition', () => {
    const ids = spec.components.schemas.KlingModel.enum;
    expect(ids).toHaveLength(19);
    expect(models.map((entry) => entry.id)).toEqual([...ids]);
    expect(models[0]?.id).toBe('kling/v2-1-pro');
    expect(definitionList.map((definition) => definition.id).sort()).toEqual([...ids].sort());
  });

  it('gives every model a kind, a source, a confidence and a third-party price with its source', () => {
    for (const entry of models) {
      expect(entry.kind, entry.id).toMatch(
        /^(text-to-video|image-to-video|video|motion-control|reference-to-video|video-to-video|avatar)$/,
      );
      expect(entry.sources.length, entry.id).toBeGreaterThan(20);
      expect(['high', 'medium', 'low']).toContain(entry.confidence);
      expect(['high', 'medium', 'low']).toContain(entry.credits.confidence);
      expect(entry.credits.source.length, entry.id).toBeGreaterThan(10);
      expect(entry.docs, entry.id).toMatch(/^https:\/\/docs\.kie\.ai\/market\/kling\//);
      expect(entry.seconds.field ?? entry.seconds.assumed, entry.id).toBeDefined();
    }
  });

  it('covers each kind the issue names', () => {
    const kinds = new Set(models.map((entry) => entry.kind));
    for (const kind of ['text-to-video', 'image-to-video', 'motion-control', 'avatar']) {
      expect(kinds.has(kind as never), kind).toBe(true);
    }
  });

  it('reads durations from the schemas: string enums, and integers 3–15 for Omni', () => {
    expect(findModel('kling/v2-1-pro')?.durations).toEqual(['5', '10']);
    expect(findModel('kling-3.0/video')?.durations).toHaveLength(13);
    expect(findModel('kling-3.0-omni/text-to-video')?.durations).toEqual([
      3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
    expect(findModel('kling/ai-avatar-pro')?.durations).toEqual([]);
  });

  it('resolves the deprecated avatar ids to their current models', () => {
    expect(MODEL_ALIASES).toEqual({
      'kling/v1-avatar-standard': 'kling/ai-avatar-standard',
      'kling/ai-avatar-v1-pro': 'kling/ai-avatar-pro',
    });
    expect(findModel('kling/ai-avatar-v1-pro')?.id).toBe('kling/ai-avatar-pro');
    expect(canonicalModelId('kling/v1-avatar-standard')).toBe('kling/ai-avatar-standard');
    expect(findModel('kling/v2-1-master')).toBeUndefined();
    for (const inherited of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(canonicalModelId(inherited)).toBe(inherited);
      expect(findModel(inherited)).toBeUndefined();
    }
  });
});

describe('estimateCredits (third-party prices from the catalog)', () => {
  const cases: [string, Record<string, unknown>, number][] = [
    ['kling/v2-1-pro', { duration: '5' }, 50],
    ['kling/v2-1-pro', {}, 50],
    ['kling/v2-1-pro', { duration: '10' }, 100],
    ['kling/v2-1-standard', { duration: '10' }, 50],
    ['kling/v2-1-master-text-to-video', {}, 160],
    ['kling/v2-5-turbo-image-to-video-pro', { duration: '10' }, 84],
    ['kling-2.6/text-to-video', { duration: '5', sound: false }, 55],
    ['kling-2.6/text-to-video', { duration: '10', sound: true }, 220],
    ['kling-2.6/image-to-video', { duration: '5', sound: true }, 110],
    ['kling-3.0/video', { duration: '5', mode: 'std', sound: false }, 70],
    ['kling-3.0/video', { duration: '5', mode: 'pro', sound: true }, 135],
    ['kling-3.0/video', { duration: '15', mode: '4K', sound: true }, 1005],
    ['kling-3.0/video', { duration: '10' }, 180], // defaults: mode pro, sound false
    ['kling-3.0/motion-control', { mode: '1080p' }, 135], // 27 a second, 5 s assumed
    ['kling-3.0-omni/text-to-video', { duration: 5, resolution: '1080p', audio: true }, 115],
    ['kling-3.0-omni/text-to-video', { duration: 3 }, 42],
    ['kling-3.0-omni/transformation', { resolution: '4k' }, 335],
    ['kling/v3-turbo-text-to-video', { duration: '5', resolution: '1080p' }, 112.5],
    ['kling/v3-turbo-image-to-video', { duration: '15', resolution: '720p' }, 270],
    ['kling/ai-avatar-standard', {}, 8],
    ['kling/ai-avatar-v1-pro', {}, 16],
  ];
  it.each(cases)('%s %j costs %d credits', (model, input, credits) => {
    expect(estimateCredits({ model, input })).toBe(credits);
  });

  it('throws for a model the catalog lacks', () => {
    expect(() => estimateCredits({ model: 'kling/v9', input: {} })).toThrow(/Unknown Kling model/);
  });
});

describe("each model's documented example", () => {
  it.each(models.map((entry) => [entry.id, entry] as const))('%s is valid', (_id, entry) => {
    const union = validateCreateTaskRequest(entry.example);
    expect(union.ok ? '' : formatIssues(union.issues)).toBe('');
    const definition = definitionList.find((candidate) => candidate.id === entry.id);
    expect(definition?.validate(entry.example).ok).toBe(true);
    expect(ajvCreateTask(entry.example)).toBe(true);
  });

  it('is refused by every other model', () => {
    for (const entry of models) {
      for (const definition of definitionList.filter((candidate) => candidate.id !== entry.id)) {
        expect(definition.validate(entry.example).ok, `${entry.id} as ${definition.id}`).toBe(false);
      }
    }
  });
});

describe("each model's rules, one by one (rows derived from the spec)", () => {
  it('derives rows for every model', () => {
    for (const entry of models) {
      expect(familyRows.filter((row) => row.model === entry.id).length, entry.id).toBeGreaterThanOrEqual(3);
    }
    expect(familyRows.length).toBeGreaterThan(150);
  });

  it.each(familyRows.map((row) => [`${row.model}: ${row.name}`, row] as const))('%s', (_label, row) => {
    const result = validateCreateTaskRequest(row.body);
    expect(result.ok).toBe(false);
    expect(result.issues).toContainEqual(expect.objectContaining({ path: row.path, keyword: row.keyword }));
    expect(ajvCreateTask(row.body)).toBe(false);
    // The message the mock answers names the field.
    expect(formatIssues(result.issues ?? [])).toContain(row.path);
  });
});

describe('cross-field rules', () => {
  const example = (id: string) =>
    structuredClone(findModel(id)?.example) as Record<string, unknown> & {
      input: Record<string, unknown>;
    };
  const verdict = (body: unknown) => {
    const result = validateCreateTaskRequest(body);
    expect(result.ok, 'compiled and ajv agree').toBe(ajvCreateTask(body));
    return result;
  };

  it('Omni: customize_multi_shots and prefer_multi_shots cannot both be true', () => {
    const body = example('kling-3.0-omni/text-to-video');
    body.input = {
      ...body.input,
      customize_multi_shots: true,
      prefer_multi_shots: true,
      multi_prompt: [{ prompt: 'a', duration: 5 }],
    };
    expect(formatIssues(verdict(body).issues ?? [])).toBe(
      'input: customize_multi_shots and prefer_multi_shots cannot both be true',
    );
    body.input = { ...body.input, customize_multi_shots: false, prefer_multi_shots: true, multi_prompt: [] };
    expect(verdict(body).ok).toBe(true);
  });

  it('Omni: custom shots need multi_prompt, and no shots without them', () => {
    const body = example('kling-3.0-omni/text-to-video');
    body.input = { ...body.input, customize_multi_shots: true };
    expect(verdict(body).issues).toContainEqual(
      expect.objectContaining({ path: 'input.multi_prompt', keyword: 'required' }),
    );
    body.input = {
      ...body.input,
      customize_multi_shots: false,
      multi_prompt: [{ prompt: 'a', duration: 5 }],
    };
    expect(verdict(body).issues).toContainEqual(
      expect.objectContaining({ path: 'input.multi_prompt', keyword: 'maxItems' }),
    );
    body.input = {
      ...body.input,
      customize_multi_shots: true,
      multi_prompt: [{ prompt: 'a', duration: 16 }],
    };
    expect(verdict(body).issues).toContainEqual(
      expect.objectContaining({ path: 'input.multi_prompt[0].duration' }),
    );
  });

  it('kling-3.0/video: multi_shots needs at least one shot; a single shot needs neither field', () => {
    const body = example('kling-3.0/video');
    body.input = { ...body.input, multi_shots: true, multi_prompt: [] };
    expect(verdict(body).issues).toContainEqual(
      expect.objectContaining({ path: 'input.multi_prompt', keyword: 'minItems' }),
    );
    const { multi_shots: _shots, multi_prompt: _prompts, ...single } = body.input;
    body.input = single;
    expect(verdict(body).ok).toBe(true);
    body.input = { ...single, multi_shots: true, multi_prompt: [{ prompt: 'a', duration: 13 }] };
    expect(verdict(body).issues).toContainEqual(
      expect.objectContaining({ path: 'input.multi_prompt[0].duration', keyword: 'maximum' }),
    );
  });

  it('Omni image-to-video: one image or two (first and last frame), never three', () => {
    const body = example('kling-3.0-omni/image-to-video');
    const url = (body.input.image_urls as string[])[0];
    body.input = { ...body.input, image_urls: [url, url] };
    expect(verdict(body).ok).toBe(true);
    body.input = { ...body.input, image_urls: [url, url, url] };
    expect(verdict(body).ok).toBe(false);
  });

  it('Omni reference-to-video: a reference video forbids audio and a duration of its own', () => {
    const body = example('kling-3.0-omni/reference-to-video');
    const video = 'https://example.com/reference.mp4';
    body.input = { prompt: 'p', video_urls: [video], aspect_ratio: 'auto', audio: false };
    expect(verdict(body).ok).toBe(true);
    body.input = { ...body.input, audio: true };
    expect(verdict(body).ok).toBe(false);
    body.input = { ...body.input, audio: false, duration: 5 };
    expect(verdict(body).ok).toBe(false);
    body.input = { prompt: 'p', video_urls: [video], image_urls: [video], audio: false, duration: 5 };
    expect(verdict(body).ok).toBe(true);
  });

  it('Omni transformation: a video alone, or a video with images and a string duration', () => {
    const body = example('kling-3.0-omni/transformation');
    expect(verdict(body).ok).toBe(true);
    body.input = {
      ...body.input,
      aspect_ratio: '16:9',
      image_urls: ['https://example.com/a.png'],
      duration: '7',
    };
    expect(verdict(body).ok).toBe(true);
    body.input = { ...body.input, duration: 7 };
    expect(verdict(body).ok).toBe(false);
  });

  it('accepts the deprecated avatar ids with their current model rules', () => {
    const body = example('kling/ai-avatar-pro');
    expect(verdict({ ...body, model: 'kling/ai-avatar-v1-pro' }).ok).toBe(true);
    expect(verdict({ ...body, model: 'kling/v1-avatar-standard' }).ok).toBe(true);
    expect(verdict({ ...body, model: 'kling/v1-avatar-standard', input: {} }).ok).toBe(false);
  });
});
