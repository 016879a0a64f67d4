/**
 * The schema → form mapping, for every model of the catalog: each limit is read here from the
 * contract independently of the form's own reading (`jsonSchemaOf`, the generated JSON Schemas),
 * so a drift between the spec and the form fails; each model's example fills a form that sends a
 * body its definition accepts.
 */
import {
  creditsOf,
  type JsonSchema,
  jsonSchemaOf,
  type ModelFacts,
  models,
  type SchemaName,
} from '@kling-kit/contract';
import * as definitions from '@kling-kit/contract/models';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL_ID,
  definitionNameOf,
  durationsText,
  estimateOf,
  formOf,
  generations,
  modelById,
  validateRequest,
} from '../src/lib/catalog';
import {
  branchOf,
  buildRequest,
  type FormState,
  initialState,
  issuesByField,
  type ListItem,
  shownFields,
  stateFromExample,
  switchModel,
  withBranch,
} from '../src/lib/form-values';
import { type FieldSpec, labelOf, type ModelForm } from '../src/lib/model-form';

/** A JSON Schema of the contract with its `$ref`s followed (the generated ones, not the form's source). */
const resolved = (schema: JsonSchema | undefined): JsonSchema => {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') {
    return schema ?? {};
  }
  const { $ref: _ref, ...siblings } = schema as JsonSchema;
  return { ...resolved(jsonSchemaOf(ref.split('/').at(-1) as SchemaName)), ...siblings };
};
const inputOf = (entry: ModelFacts) => resolved(jsonSchemaOf(entry.inputSchema as SchemaName));
const branchesOf = (entry: ModelFacts): JsonSchema[] => {
  const input = inputOf(entry);
  return Array.isArray(input.oneOf) ? (input.oneOf as JsonSchema[]).map(resolved) : [input];
};
const fieldNamed = (fields: readonly FieldSpec[], name: string) => {
  const found = fields.find((field) => field.name === name);
  if (!found) {
    throw new Error(`no field ${name} in ${fields.map((field) => field.name).join(', ')}`);
  }
  return found;
};
const formFor = (id: string): ModelForm => formOf(modelById(id));

/** The body a model's example should become: optional empty strings and empty lists left out. */
function expectedBody(entry: ModelFacts, form: ModelForm, state: FormState) {
  const fields = shownFields(form, state);
  const input = Object.fromEntries(
    Object.entries(entry.example.input as Record<string, unknown>).filter(([name, value]) => {
      const field = fields.find((candidate) => candidate.name === name);
      if (!field) {
        return false; // hidden by a switch (kling-3.0's multi_prompt: [] without multi_shots)
      }
      return field.required || (value !== '' && !(Array.isArray(value) && value.length === 0));
    }),
  );
  return {
    model: entry.id,
    ...(entry.example.callBackUrl ? { callBackUrl: entry.example.callBackUrl } : {}),
    input,
  };
}

describe('the catalog in the picker', () => {
  it('groups every model by generation, v2.1 Pro first and the default', () => {
    const groups = generations();
    expect(groups[0]?.name).toBe('2.1');
    expect(groups[0]?.models[0]?.id).toBe('kling/v2-1-pro');
    expect(DEFAULT_MODEL_ID).toBe('kling/v2-1-pro');
    expect(groups.flatMap((group) => group.models.map((model) => model.id))).toEqual(
      [...models]
        .sort(
          (a, b) =>
            groups.findIndex((group) => group.name === a.generation) -
            groups.findIndex((group) => group.name === b.generation),
        )
        .map((model) => model.id),
    );
    expect(new Set(groups.map((group) => group.name)).size).toBe(groups.length);
  });

  it('names the definition of every model as @kling-kit/client/models exports it', () => {
    for (const entry of models) {
      const name = definitionNameOf(entry.id);
      expect(name, entry.id).toBeDefined();
      expect((definitions as Record<string, { id: string }>)[name ?? '']?.id).toBe(entry.id);
    }
    expect(definitionNameOf('kling/v2-1-pro')).toBe('klingV21Pro');
    expect(definitionNameOf('kling-3.0/video')).toBe('kling30Video');
  });

  it('says which durations a model offers', () => {
    expect(durationsText(modelById('kling/v2-1-pro'))).toBe('5 or 10 s');
    expect(durationsText(modelById('kling-3.0/video'))).toBe('3–15 s');
    expect(durationsText(modelById('kling/ai-avatar-pro'))).toBe(
      modelById('kling/ai-avatar-pro').seconds.note,
    );
  });

  it('estimates credits with the catalog (per video and per second)', () => {
    const pro = modelById('kling/v2-1-pro');
    expect(estimateOf(pro, { duration: '10' })).toEqual({
      credits: creditsOf(pro, { duration: '10' }),
      detail: 'per video',
    });
    const turbo = modelById('kling/v3-turbo-text-to-video');
    const estimate = estimateOf(turbo, { duration: '4', resolution: '1080p' });
    expect(estimate.credits).toBe(creditsOf(turbo, { duration: '4', resolution: '1080p' }));
    expect(estimate.detail).toMatch(/ a second × 4 s$/);
  });
});

describe.each(models.map((entry) => ({ id: entry.id, entry })))('the form of $id', ({ entry }) => {
  const form = formOf(entry);
  const branches = branchesOf(entry);

  it('has one form per oneOf branch, titled as the spec titles it', () => {
    expect(form.branches).toHaveLength(branches.length);
    if (branches.length > 1) {
      for (const branch of form.branches) {
        expect(branch.title).not.toMatch(/^Form \d/);
      }
    }
  });

  it('has a field for every property (but arrays that must stay empty), each as its schema says', () => {
    branches.forEach((schema, index) => {
      const fields = form.branches[index]?.fields ?? [];
      const properties = schema.properties as Record<string, JsonSchema>;
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const names = Object.keys(properties).filter((name) => resolved(properties[name]).maxItems !== 0);
      expect(fields.map((field) => field.name)).toEqual(names);
      for (const name of names) {
        const property = resolved(properties[name]);
        const field = fieldNamed(fields, name);
        expect(field.required, name).toBe(required.has(name));
        expect(field.kind, name).not.toBe('json'); // the playground knows every shape of the spec
        if (Array.isArray(property.enum)) {
          expect(field.kind === 'select' && field.options, name).toEqual(property.enum);
        } else if (property.type === 'boolean') {
          expect(field.kind, name).toBe('switch');
        } else if (property.type === 'string' && property.format !== 'uri' && !property.anyOf) {
          expect(field.kind, name).toBe('text');
          expect(field.kind === 'text' && field.maxLength, name).toBe(property.maxLength ?? undefined);
        } else if (property.type === 'number') {
          expect(field).toMatchObject({
            kind: 'number',
            slider: true,
            minimum: property.minimum,
            maximum: property.maximum,
            step: property.multipleOf,
          });
        } else if (property.type === 'array') {
          expect(['url-list', 'objects'], name).toContain(field.kind);
          expect(field.kind !== 'url' && field.kind !== 'text' && 'minItems' in field && field.minItems).toBe(
            property.minItems ?? 0,
          );
          expect('maxItems' in field && field.maxItems).toBe(property.maxItems);
        } else {
          expect(field.kind, name).toBe('url');
        }
        if (field.kind === 'select' && property.default !== undefined) {
          expect(field.default, `${name} default`).toBe(property.default);
        }
      }
    });
  });

  it('offers exactly the catalog durations in its duration select', () => {
    const secondsField = entry.seconds.field;
    if (!secondsField || entry.durations.length === 0) {
      return;
    }
    const branch = form.branches.find((candidate) =>
      candidate.fields.some((field) => field.name === secondsField),
    );
    const field = fieldNamed(branch?.fields ?? [], secondsField);
    expect(field.kind === 'select' && field.options).toEqual(entry.durations);
  });

  it("turns the catalog example into a body the model's definition accepts", () => {
    const state = stateFromExample(form, entry.example);
    const { request } = buildRequest(form, state);
    expect(validateRequest(request).issues).toBeUndefined();
    expect(request).toEqual(expectedBody(entry, form, state));
    expect(creditsOf(entry, request.input)).toBe(creditsOf(entry, entry.example.input));
  });

  it('starts empty: nothing optional is sent, required texts are', () => {
    const state = initialState(form);
    const { request } = buildRequest(form, state);
    expect(request.model).toBe(entry.id);
    expect(request.callBackUrl).toBeUndefined();
    for (const [name, value] of Object.entries(request.input)) {
      const field = fieldNamed(form.branches[0]?.fields ?? [], name);
      if (field.kind === 'text' || field.kind === 'url') {
        expect(field.required, name).toBe(true);
        expect(value).toBe('');
      }
    }
  });
});

describe('following the spec', () => {
  it('takes a default beside a $ref over the referenced one', () => {
    // AspectRatio has no default; each model says its own next to the $ref.
    for (const [id, expected] of [
      ['kling-2.6/text-to-video', '1:1'],
      ['kling-3.0/video', '16:9'],
    ] as const) {
      const field = fieldNamed(formFor(id).branches[0]?.fields ?? [], 'aspect_ratio');
      expect(field).toMatchObject({ kind: 'select', default: expected });
      expect(initialState(formFor(id)).values.aspect_ratio).toBe(expected);
    }
  });

  it('reads a URL or "" (anyOf) as an optional URL field, and only input URLs upload', () => {
    const form = formFor('kling/v2-1-pro');
    const fields = form.branches[0]?.fields ?? [];
    expect(fieldNamed(fields, 'tail_image_url')).toMatchObject({
      kind: 'url',
      required: false,
      upload: true,
    });
    expect(fieldNamed(fields, 'image_url')).toMatchObject({
      kind: 'url',
      required: true,
      media: 'image',
      accept: jsonSchemaOf('ImageUrl')['x-accepted-media-types'],
    });
    expect(fieldNamed(form.requestFields, 'callBackUrl')).toMatchObject({ kind: 'url', upload: false });
    expect(fieldNamed(formFor('kling/ai-avatar-pro').branches[0]?.fields ?? [], 'audio_url')).toMatchObject({
      media: 'audio',
    });
  });

  it('uses the descriptions of the spec as help text', () => {
    const fields = formFor('kling/v2-1-pro').branches[0]?.fields ?? [];
    expect(fieldNamed(fields, 'prompt').description).toMatch(/^Text describing the video/);
    expect(fieldNamed(fields, 'image_url').description).toMatch(/^URL of an image/); // the $ref's own
  });

  it('shows the shot editor only while its switch is on (the schema’s if/then)', () => {
    const form = formFor('kling-3.0/video');
    const multiPrompt = fieldNamed(form.branches[0]?.fields ?? [], 'multi_prompt');
    expect(multiPrompt).toMatchObject({
      kind: 'objects',
      itemNoun: 'Shot',
      shownWhen: { field: 'multi_shots', equals: true },
    });
    const shot = multiPrompt.kind === 'objects' ? multiPrompt.fields : [];
    const shotSchema = jsonSchemaOf('KlingShot').properties as Record<string, JsonSchema>;
    expect(fieldNamed(shot, 'prompt')).toMatchObject({
      kind: 'text',
      maxLength: shotSchema.prompt?.maxLength,
    });
    expect(fieldNamed(shot, 'duration')).toMatchObject({
      kind: 'number',
      integer: true,
      slider: false,
      minimum: shotSchema.duration?.minimum,
      maximum: shotSchema.duration?.maximum,
    });
    const state = initialState(form);
    expect(shownFields(form, state).map((field) => field.name)).not.toContain('multi_prompt');
    const on = { ...state, values: { ...state.values, multi_shots: true } };
    expect(shownFields(form, on).map((field) => field.name)).toContain('multi_prompt');
    // Omni: the rule sits in an allOf behind a $ref; text-to-video's switch defaults to on.
    const omni = formFor('kling-3.0-omni/text-to-video');
    expect(fieldNamed(omni.branches[0]?.fields ?? [], 'multi_prompt').shownWhen).toEqual({
      field: 'customize_multi_shots',
      equals: true,
    });
    expect(shownFields(omni, initialState(omni)).map((field) => field.name)).toContain('multi_prompt');
  });

  it('reads elements as an editor of name, description and URL lists', () => {
    const elements = fieldNamed(formFor('kling-3.0/video').branches[0]?.fields ?? [], 'kling_elements');
    expect(elements).toMatchObject({ kind: 'objects', itemNoun: 'Element' });
    const fields = elements.kind === 'objects' ? elements.fields : [];
    expect(fieldNamed(fields, 'name')).toMatchObject({ kind: 'text', required: true, multiline: false });
    expect(fieldNamed(fields, 'element_input_urls')).toMatchObject({
      kind: 'url-list',
      minItems: 2,
      maxItems: 4,
    });
  });

  it('leaves out an array that must stay empty in a form (maxItems 0)', () => {
    const form = formFor('kling-3.0-omni/reference-to-video');
    expect(form.branches.map((branch) => branch.title)).toEqual([
      'No video input',
      'Video input only',
      'Video with images',
    ]);
    expect(form.branches[2]?.fields.map((field) => field.name)).not.toContain('elements');
    expect(fieldNamed(form.branches[1]?.fields ?? [], 'audio')).toMatchObject({
      kind: 'switch',
      fixed: false,
    });
  });

  it('labels fields from their names', () => {
    expect(labelOf('tail_image_url')).toBe('Tail image URL');
    expect(labelOf('image_urls')).toBe('Image URLs');
    expect(labelOf('cfg_scale')).toBe('CFG scale');
    expect(labelOf('callBackUrl')).toBe('Callback URL');
    expect(labelOf('multi_shots')).toBe('Multi shots');
  });
});

describe('form values', () => {
  it('recognises the form an example was written for', () => {
    const omni = formFor('kling-3.0-omni/image-to-video');
    expect(branchOf(omni, { prompt: 'x', image_urls: ['https://a.test/1.png'] })).toBe(0);
    expect(
      branchOf(omni, { prompt: 'x', image_urls: ['https://a.test/1.png', 'https://a.test/2.png'] }),
    ).toBe(1);
    const transformation = formFor('kling-3.0-omni/transformation');
    expect(branchOf(transformation, { prompt: 'x', video_urls: ['https://a.test/v.mp4'] })).toBe(0);
    expect(
      branchOf(transformation, {
        prompt: 'x',
        video_urls: ['https://a.test/v.mp4'],
        image_urls: ['https://a.test/i.png'],
      }),
    ).toBe(1);
  });

  it('keeps values across forms where they fit, and pads URL lists to the new minimum', () => {
    const form = formFor('kling-3.0-omni/image-to-video');
    const state = stateFromExample(form, modelById('kling-3.0-omni/image-to-video').example);
    const two = withBranch(form, state, 1);
    expect(two.values.prompt).toBe(state.values.prompt);
    expect(two.values.image_urls).toEqual([...(state.values.image_urls as string[]), '']);
  });

  it('keeps the prompt (and what else fits) when switching models', () => {
    const pro = formFor('kling/v2-1-pro');
    const filled = stateFromExample(pro, modelById('kling/v2-1-pro').example);
    const standard = switchModel(pro, filled, formFor('kling/v2-1-standard'));
    expect(standard.modelId).toBe('kling/v2-1-standard');
    expect(standard.values.prompt).toBe(filled.values.prompt);
    expect(standard.values.image_url).toBe(filled.values.image_url);
    expect(standard.request.callBackUrl).toBe(filled.request.callBackUrl);
    // Omni's duration is an integer: the string "5" does not fit and takes Omni's default.
    const omni = switchModel(
      pro,
      { ...filled, values: { ...filled.values, duration: '10' } },
      formFor('kling-3.0-omni/text-to-video'),
    );
    expect(omni.values.prompt).toBe(filled.values.prompt);
    expect(omni.values.duration).toBe(5);
  });

  it('maps issues to the fields, the items and the shots they are about', () => {
    const form = formFor('kling-3.0/video');
    const base = stateFromExample(form, modelById('kling-3.0/video').example);
    const shots: ListItem[] = [
      { key: 'a', values: { prompt: 'one', duration: '0' } },
      { key: 'b', values: { prompt: 'x'.repeat(501), duration: '3' } },
    ];
    const state: FormState = {
      ...base,
      values: { ...base.values, multi_shots: true, multi_prompt: shots, image_urls: ['', 'not a url'] },
      request: { callBackUrl: 'callback' },
    };
    const { request, origins } = buildRequest(form, state);
    expect(request.input.image_urls).toEqual(['not a url']); // empty rows are not sent
    const { byKey, general } = issuesByField(validateRequest(request).issues ?? [], origins);
    expect(Object.keys(byKey).sort()).toEqual(
      ['callBackUrl', 'image_urls.1', 'multi_prompt.0.duration', 'multi_prompt.1.prompt'].sort(),
    );
    expect(byKey['multi_prompt.1.prompt']).toMatch(/at most 500 characters/);
    expect(general).toEqual([]);
  });

  it('keeps issues about no single field apart', () => {
    const form = formFor('kling-3.0-omni/image-to-video');
    const base = stateFromExample(form, modelById('kling-3.0-omni/image-to-video').example);
    const state = {
      ...base,
      values: { ...base.values, customize_multi_shots: true, prefer_multi_shots: true },
    };
    const { request, origins } = buildRequest(form, state);
    const { general } = issuesByField(validateRequest(request).issues ?? [], origins);
    expect(general).toEqual(['input: customize_multi_shots and prefer_multi_shots cannot both be true']);
  });
});
