/**
 * The Kling family through the client against the real mock server: every model's documented example
 * creates and completes; a registered model's bad request is refused locally (nothing reaches the
 * mock) with the very message the mock answers for it; a model that is not registered reaches the
 * mock, which validates it; and the credits the mock charges are the client's estimates.
 */
import { type RunningMockServer, startMockServer } from '@kling-kit/mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CreateTaskParams,
  createKlingClient,
  KlingInputError,
  type ModelDefinition,
  ValidationError,
} from '../../src/index';
import * as exported from '../../src/models';
import { estimateCredits, findModel, type ModelFacts, models } from '../../src/models';

const API_KEY = 'family-integration-key';
/** Every definition, in the catalog's order. */
const definitions = models.map(
  (entry) =>
    Object.values(exported).find(
      (value) => typeof value === 'object' && 'validate' in value && value.id === entry.id,
    ) as ModelDefinition,
);
/** A model's documented example (from the catalog), its callback URL (a public placeholder) removed. */
const exampleOf = (definition: ModelDefinition): CreateTaskParams => {
  const { callBackUrl: _, ...request } = (findModel(definition.id) as ModelFacts).example;
  return structuredClone(request) as unknown as CreateTaskParams;
};
/** A request every model refuses: its prompt is a number. */
const brokenOf = (definition: ModelDefinition): CreateTaskParams => {
  const example = exampleOf(definition);
  return { ...example, input: { ...example.input, prompt: 42 } } as unknown as CreateTaskParams;
};
const fastPolls = { pollDelay: () => 100, timeoutMs: 60_000 };

let mock: RunningMockServer;
/** Every createTask that left the client, through its injected fetch. */
const sent: string[] = [];
const countingFetch = (request: Request) => {
  if (new URL(request.url).pathname === '/api/v1/jobs/createTask') {
    sent.push(request.url);
  }
  return fetch(request);
};
const clientWith = (modelsToRegister?: readonly ModelDefinition[]) =>
  createKlingClient({
    apiKey: API_KEY,
    baseUrl: mock.url,
    fetch: countingFetch,
    maxPollsPerSecond: 50,
    ...(modelsToRegister ? { models: modelsToRegister } : {}),
  });

beforeAll(async () => {
  mock = await startMockServer({
    port: 0,
    timing: 'fast',
    seed: 'client-family',
    rateLimit: false,
    credits: 1_000_000,
    loopbackOnly: true,
    log: false,
  });
});
afterEach(async () => {
  await mock.admin.settleCallbacks();
  // No example's placeholder callback URL was given to the mock: nothing was delivered anywhere.
  expect(mock.admin.deliveries()).toEqual([]);
});
afterAll(async () => {
  await mock.close();
});

describe('every model of the catalog, through the client', () => {
  it('has 19 models, each with its definition', () => {
    expect(definitions).toHaveLength(19);
    expect(definitions.every(Boolean)).toBe(true);
  });

  it('creates and completes each documented example, charged the estimate', async () => {
    const kling = clientWith(definitions);
    const before = await kling.getCredits();
    const results = await Promise.all(
      definitions.map(async (definition) => {
        const request = exampleOf(definition);
        const task = await kling.generate(request, fastPolls);
        return { definition, request, task };
      }),
    );
    for (const { definition, request, task } of results) {
      expect(task, definition.id).toMatchObject({ model: definition.id, state: 'success' });
      expect(task.param, definition.id).toEqual(request);
      expect(task.resultUrls, definition.id).toHaveLength(1);
    }
    const estimated = results.reduce(
      (sum, { request }) => sum + estimateCredits(request as { model: string; input: unknown }),
      0,
    );
    expect(before - (await kling.getCredits())).toBeCloseTo(estimated, 6);
    const video = await fetch(results[0]?.task.resultUrls[0] as string);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    await video.arrayBuffer();
  }, 60_000);

  it('runs a deprecated avatar alias as its model', async () => {
    const kling = clientWith([exported.klingAiAvatarPro]);
    const { input } = exampleOf(exported.klingAiAvatarPro);
    const task = await kling.generate(
      { model: 'kling/ai-avatar-v1-pro', input } as CreateTaskParams,
      fastPolls,
    );
    expect(task).toMatchObject({ model: 'kling/ai-avatar-v1-pro', state: 'success' });
  });
});

describe('local validation against the mock’s', () => {
  it.each(definitions.map((definition) => [definition.id, definition] as const))(
    '%s: refused locally, nothing sent, with the message the mock answers',
    async (_id, definition) => {
      const request = brokenOf(definition);
      const tasks = mock.admin.tasks().length;
      sent.length = 0;

      const local = await clientWith([definition])
        .createTask(request)
        .catch((error: unknown) => error);
      expect(local).toBeInstanceOf(KlingInputError);
      expect(sent).toEqual([]);

      // The same request from a client that does not know the model: the mock refuses it (422).
      const remote = await clientWith([])
        .createTask(request)
        .catch((error: unknown) => error);
      expect(sent).toHaveLength(1);
      expect(remote).toBeInstanceOf(ValidationError);
      expect((local as KlingInputError).message).toBe(
        `Invalid createTask request: ${(remote as ValidationError).msg}`,
      );
      expect(mock.admin.tasks()).toHaveLength(tasks);
    },
  );

  it('sends a model that is not registered, and the mock judges it', async () => {
    const kling = clientWith(); // the default: kling/v2-1-pro only
    sent.length = 0;
    const valid = exampleOf(exported.kling26ImageToVideo);
    const handle = await kling.createTask(valid);
    expect(handle.model).toBe('kling-2.6/image-to-video');
    const invalid = brokenOf(exported.kling26ImageToVideo);
    await expect(kling.createTask(invalid)).rejects.toBeInstanceOf(ValidationError);
    expect(sent).toHaveLength(2);
    // And the seed, registered by default, is still checked here.
    await expect(kling.createTask(brokenOf(exported.klingV21Pro))).rejects.toBeInstanceOf(KlingInputError);
    expect(sent).toHaveLength(2);
  });
});
