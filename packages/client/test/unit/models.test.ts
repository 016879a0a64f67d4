/**
 * Models registered with the client: a registered model's request is checked locally with its
 * definition's checks (the mock's), so a bad one throws `KlingInputError` before any request; a model
 * that is not registered goes out as it is; `estimateCredits` prices any model from the catalog.
 */
import { formatIssues } from '@kling-kit/contract';
import { describe, expect, it } from 'vitest';
import { type CreateTaskParams, KlingInputError } from '../../src/index';
import * as exported from '../../src/models';
import {
  creditsOf,
  estimateCredits,
  findModel,
  kling26ImageToVideo,
  klingAiAvatarPro,
  klingV21Pro,
  type ModelDefinition,
  type ModelFacts,
  models,
} from '../../src/models';
import { client, IMAGE_URL, ok, rejection, scripted, TASK_ID } from './fake-fetch';

/** Every definition `@kling-kit/client/models` exports, in the catalog's order. */
const definitions = models.map(
  (entry) =>
    Object.values(exported).find(
      (value) => typeof value === 'object' && 'validate' in value && value.id === entry.id,
    ) as ModelDefinition,
);
/** A model's documented example (from the catalog) as a createTask request, without its callback URL. */
const exampleOf = (definition: ModelDefinition) => {
  const { callBackUrl: _, ...request } = (findModel(definition.id) as ModelFacts).example;
  return structuredClone(request) as unknown as CreateTaskParams;
};
const I2V_26 = { prompt: 'A kite over dunes', image_urls: [IMAGE_URL], sound: false, duration: '5' as const };

describe('@kling-kit/client/models', () => {
  it('exports one definition per model of the catalog, and the catalog', () => {
    expect(definitions).toHaveLength(19);
    expect(definitions.every(Boolean)).toBe(true);
    expect(definitions[0]).toBe(klingV21Pro);
    expect(models[0]?.id).toBe('kling/v2-1-pro');
    // The catalog is data only: no checks in it.
    expect(models.some((entry) => 'validate' in entry)).toBe(false);
  });
});

describe('local validation of registered models', () => {
  it.each(definitions.map((definition) => [definition.id, definition] as const))(
    '%s: a bad input throws KlingInputError with the mock’s checks and messages, and sends nothing',
    async (_id, definition) => {
      const fake = scripted(ok({ taskId: TASK_ID }));
      const kling = client(fake, { models: [definition] });
      const example = exampleOf(definition);
      // Every model takes a prompt, a string: a number breaks each one's rules.
      const params = { ...example, input: { ...example.input, prompt: 42 } } as unknown as CreateTaskParams;
      const error = await rejection(kling.createTask(params));
      expect(error).toBeInstanceOf(KlingInputError);
      // The very checks the mock runs, so the issues and their text are the mock's 422 message.
      const expected = definition.validate({ model: params.model, input: params.input });
      expect(expected.ok).toBe(false);
      const { issues, message } = error as KlingInputError;
      expect(issues).toEqual(expected.issues);
      expect(message).toBe(`Invalid createTask request: ${formatIssues(expected.issues ?? [])}`);
      expect(message).toContain('input');
      await expect(kling.generate(params)).rejects.toBeInstanceOf(KlingInputError);
      expect(fake.calls).toHaveLength(0);
    },
  );

  it.each(definitions.map((definition) => [definition.id, definition] as const))(
    '%s: its documented example goes out as it is',
    async (_id, definition) => {
      const fake = scripted(ok({ taskId: TASK_ID }));
      const example = exampleOf(definition);
      const handle = await client(fake, { models: [definition] }).createTask(example);
      expect(handle).toMatchObject({ taskId: TASK_ID, model: definition.id });
      expect(await fake.calls[0]?.request.json()).toEqual(example);
    },
  );

  it('checks a deprecated alias with its model’s checks', async () => {
    const fake = scripted(ok({ taskId: TASK_ID }));
    const kling = client(fake, { models: [klingAiAvatarPro] });
    const input = { image_url: IMAGE_URL, audio_url: 'not a url', prompt: '' };
    const error = await rejection(kling.createTask({ model: 'kling/ai-avatar-v1-pro', input }));
    expect(error).toBeInstanceOf(KlingInputError);
    expect((error as KlingInputError).issues).toContainEqual(
      expect.objectContaining({ path: 'input.audio_url', keyword: 'format' }),
    );
    expect(fake.calls).toHaveLength(0);
    const handle = await kling.createTask({
      model: 'kling/ai-avatar-v1-pro',
      input: { ...input, audio_url: 'https://file.example.com/voice.mp3' },
    });
    expect(handle.model).toBe('kling/ai-avatar-v1-pro');
  });

  it('checks the seed by default, and a registered list replaces the default', async () => {
    const bad = { prompt: '', image_url: IMAGE_URL };
    const byDefault = scripted(ok({ taskId: TASK_ID }));
    await expect(client(byDefault).createTask({ input: bad })).rejects.toBeInstanceOf(KlingInputError);
    expect(byDefault.calls).toHaveLength(0);

    // Registered: 2.6 image-to-video only. The seed is no longer checked here: kie.ai judges it.
    const fake = scripted(ok({ taskId: TASK_ID }));
    const kling = client(fake, { models: [kling26ImageToVideo] });
    await kling.createTask({ input: bad });
    expect(await fake.calls[0]?.request.json()).toEqual({ model: 'kling/v2-1-pro', input: bad });
  });
});

describe('models that are not registered', () => {
  it('go out as they are, invalid or not: kie.ai (or the mock) validates them', async () => {
    const fake = scripted(ok({ taskId: TASK_ID }));
    const kling = client(fake); // the seed only
    const input = { ...I2V_26, duration: '7' } as unknown as typeof I2V_26;
    const handle = await kling.createTask({ model: 'kling-2.6/image-to-video', input });
    expect(handle.model).toBe('kling-2.6/image-to-video');
    expect(fake.calls).toHaveLength(1);
    expect(await fake.calls[0]?.request.json()).toEqual({ model: 'kling-2.6/image-to-video', input });
  });
});

describe('estimateCredits (the catalog, from @kling-kit/client/models)', () => {
  it.each(definitions.map((definition) => [definition.id, definition] as const))(
    '%s: prices its example from the catalog, and from its definition alone',
    (id, definition) => {
      const example = exampleOf(definition);
      const credits = estimateCredits(example as { model: string; input: unknown });
      expect(credits).toBe(creditsOf(findModel(id) as ModelFacts, example.input));
      expect(creditsOf(definition, example.input)).toBe(credits);
      expect(credits).toBeGreaterThan(0);
    },
  );

  it('prices an alias as its model', () => {
    const input = { image_url: IMAGE_URL, audio_url: 'https://file.example.com/v.mp3', prompt: '' };
    expect(estimateCredits({ model: 'kling/ai-avatar-v1-pro', input })).toBe(
      creditsOf(klingAiAvatarPro, input),
    );
  });
});
