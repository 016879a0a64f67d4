/**
 * The client typed by model: `input` narrows on the `model` literal (one model's input is a compile
 * error for another), handles and tasks carry the model id, and `param` decodes to that model's
 * request. A client given `models` accepts those ids (and their deprecated aliases) only.
 */
import type { TaskParam } from '@kling-kit/contract';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AnyModelId,
  type CreateTaskParams,
  createKlingClient,
  type InputOf,
  type KlingClient,
  type RequestOf,
  type Task,
  type TaskHandle,
} from '../../src/index';
import {
  kling26ImageToVideo,
  kling30OmniReferenceToVideo,
  klingAiAvatarPro,
  klingV21Pro,
  type ModelDefinition,
} from '../../src/models';

declare const kling: KlingClient;
/** A request of some model, as a form built from the catalog would have it. */
declare const anyParams: CreateTaskParams;
const image_url = 'https://file.example.com/a.png';
const audio_url = 'https://file.example.com/voice.mp3';
const i2v26 = {
  prompt: 'p',
  image_urls: [image_url],
  sound: false,
  duration: '5',
} as const satisfies InputOf<'kling-2.6/image-to-video'>;

describe('inputs typed by model', () => {
  it('make one model’s input a compile error for another', () => {
    void kling.createTask({
      model: 'kling-2.6/image-to-video',
      input: { ...i2v26, image_urls: [image_url] },
    });
    // @ts-expect-error v2.1 Pro's input (image_url) is not kling-2.6/image-to-video's (image_urls, sound, duration)
    void kling.createTask({ model: 'kling-2.6/image-to-video', input: { prompt: 'p', image_url } });
    // @ts-expect-error without `model`, the default model's input: it has image_url, not image_urls
    void kling.createTask({ input: { ...i2v26, image_urls: [image_url] } });
    // @ts-expect-error an Omni duration is an integer, a 2.x duration a string
    void kling.generate({ model: 'kling-3.0-omni/text-to-video', input: { prompt: 'p', duration: '5' } });
    void kling.generate({ model: 'kling-3.0-omni/text-to-video', input: { prompt: 'p', duration: 5 } });
    // @ts-expect-error the avatar needs audio_url
    void kling.createTask({ model: 'kling/ai-avatar-pro', input: { prompt: '', image_url } });
    void kling.createTask({
      model: 'kling/ai-avatar-pro',
      // @ts-expect-error a field of another model is not allowed either (excess property)
      input: { prompt: '', image_url, audio_url, sound: true },
    });
    void kling.createTask({ model: 'kling/ai-avatar-pro', input: { prompt: '', image_url, audio_url } });
    // A deprecated alias takes its model's input.
    void kling.createTask({ model: 'kling/ai-avatar-v1-pro', input: { prompt: '', image_url, audio_url } });
  });

  it('accept a request typed for any model, and a union of models', () => {
    expectTypeOf(kling.createTask(anyParams)).resolves.toEqualTypeOf<TaskHandle<AnyModelId>>();
    // @ts-expect-error the pairs are checked: 2.6's model with v2.1's input
    const wrong: CreateTaskParams = { model: 'kling-2.6/image-to-video', input: { prompt: 'p', image_url } };
    void wrong;
    const request: RequestOf<'kling/v2-1-pro'> = {
      model: 'kling/v2-1-pro',
      input: { prompt: 'p', image_url },
    };
    expectTypeOf(kling.createTask(request)).resolves.toEqualTypeOf<TaskHandle<'kling/v2-1-pro'>>();
  });
});

describe('handles and tasks typed by model', () => {
  it('narrow the handle, the task and its param on the model literal', async () => {
    const handle = await kling.createTask({
      model: 'kling-2.6/image-to-video',
      input: { ...i2v26, image_urls: [image_url] },
    });
    expectTypeOf(handle).toEqualTypeOf<TaskHandle<'kling-2.6/image-to-video'>>();
    expectTypeOf(handle.model).toEqualTypeOf<'kling-2.6/image-to-video'>();

    const task = await kling.waitForTask(handle, {
      onProgress: (current) => expectTypeOf(current).toEqualTypeOf<Task<'kling-2.6/image-to-video'>>(),
    });
    expectTypeOf(task).toEqualTypeOf<Task<'kling-2.6/image-to-video'>>();
    expectTypeOf(task.param).toEqualTypeOf<RequestOf<'kling-2.6/image-to-video'> | null>();
    expectTypeOf(task.param?.input.image_urls).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(task.param?.input.sound).toEqualTypeOf<boolean | undefined>();
    // @ts-expect-error kling-2.6/image-to-video's request has no image_url
    void task.param?.input.image_url;

    for await (const current of kling.watchTask(handle)) {
      expectTypeOf(current.param).toEqualTypeOf<RequestOf<'kling-2.6/image-to-video'> | null>();
    }
  });

  it('type generate by model, and by the default model without `model`', async () => {
    const omni = await kling.generate({
      model: 'kling-3.0-omni/reference-to-video',
      input: { image_urls: [image_url], prompt: 'p' },
    });
    expectTypeOf(omni.model).toEqualTypeOf<'kling-3.0-omni/reference-to-video'>();
    expectTypeOf(omni.param).toEqualTypeOf<RequestOf<'kling-3.0-omni/reference-to-video'> | null>();

    const seed = await kling.generate({ input: { prompt: 'p', image_url } });
    expectTypeOf(seed).toEqualTypeOf<Task<'kling/v2-1-pro'>>();
    expectTypeOf(seed.param?.input).toEqualTypeOf<InputOf<'kling/v2-1-pro'> | undefined>();
  });

  it('keep a task of unknown model open: any model’s request', async () => {
    const task = await kling.getTask('e989621f54392584b05867f87b160672');
    expectTypeOf(task).toEqualTypeOf<Task>();
    expectTypeOf(task.model).toEqualTypeOf<string>();
    expectTypeOf(task.param).toEqualTypeOf<TaskParam | null>();
    expectTypeOf(await kling.waitForTask('e989621f54392584b05867f87b160672')).toEqualTypeOf<Task>();
    // A handle read back from storage is typed by what it says.
    const stored = JSON.parse('{}') as TaskHandle<'kling/ai-avatar-pro'>;
    expectTypeOf(await kling.waitForTask(stored)).toEqualTypeOf<Task<'kling/ai-avatar-pro'>>();
  });
});

describe('a client of registered models', () => {
  it('accepts every model without `models`, and only the registered ones with it', () => {
    expectTypeOf(createKlingClient()).toEqualTypeOf<KlingClient>();
    expectTypeOf(createKlingClient({ models: [klingV21Pro] })).toEqualTypeOf<KlingClient<'kling/v2-1-pro'>>();

    const some = createKlingClient({ models: [kling26ImageToVideo, klingAiAvatarPro] });
    expectTypeOf(some).toEqualTypeOf<
      KlingClient<'kling-2.6/image-to-video' | 'kling/ai-avatar-pro' | 'kling/ai-avatar-v1-pro'>
    >();
    void some.createTask({ model: 'kling-2.6/image-to-video', input: { ...i2v26, image_urls: [image_url] } });
    void some.createTask({ model: 'kling/ai-avatar-v1-pro', input: { prompt: '', image_url, audio_url } });
    // @ts-expect-error kling/v2-1-pro is not registered with this client
    void some.createTask({ model: 'kling/v2-1-pro', input: { prompt: 'p', image_url } });
    // @ts-expect-error nor is the default model, so `model` is required
    void some.generate({ input: { prompt: 'p', image_url } });
  });

  it('takes definitions, typed by their model', () => {
    expectTypeOf(kling30OmniReferenceToVideo).toEqualTypeOf<
      ModelDefinition<'kling-3.0-omni/reference-to-video'>
    >();
    expectTypeOf(kling30OmniReferenceToVideo.validate).returns.toExtend<
      { ok: true; value: RequestOf<'kling-3.0-omni/reference-to-video'> } | { ok: false }
    >();
    // @ts-expect-error not a list of definitions
    createKlingClient({ models: ['kling/v2-1-pro'] });
  });
});
