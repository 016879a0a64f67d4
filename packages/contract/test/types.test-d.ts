import { describe, expectTypeOf, it } from 'vitest';
import type {
  CallbackPayload,
  CreateTaskRequest,
  FailCode,
  InputOf,
  ModelId,
  paths,
  RequestOf,
  TaskRecord,
  TaskState,
} from '../src/index';
import { validateCreateTaskRequest } from '../src/index';

describe('generated types', () => {
  it('accept the seed and reject a wrong field at compile time', () => {
    const ok: CreateTaskRequest = {
      model: 'kling/v2-1-pro',
      input: { prompt: 'p', image_url: 'https://example.com/a.png', duration: '10', cfg_scale: 0.5 },
    };
    expectTypeOf(ok).toExtend<CreateTaskRequest>();

    const wrongField: CreateTaskRequest = {
      model: 'kling/v2-1-pro',
      // @ts-expect-error `imageUrl` is not a field: the spec says `image_url`
      input: { prompt: 'p', imageUrl: 'https://example.com/a.png' },
    };
    const wrongDuration: CreateTaskRequest = {
      model: 'kling/v2-1-pro',
      // @ts-expect-error duration is the string "5" | "10", not a number
      input: { prompt: 'p', image_url: 'https://example.com/a.png', duration: 5 },
    };
    // @ts-expect-error `kling/v2-1-master` is not a Kling model id on kie.ai
    const wrongModel: CreateTaskRequest = { model: 'kling/v2-1-master', input: ok.input };
    void [wrongField, wrongDuration, wrongModel];
  });

  it('type records, states and callbacks as the spec says', () => {
    expectTypeOf<TaskState>().toEqualTypeOf<'waiting' | 'queuing' | 'generating' | 'success' | 'fail'>();
    expectTypeOf<FailCode>().toEqualTypeOf<string | number | null>();
    expectTypeOf<TaskRecord['createTime']>().toEqualTypeOf<number>();
    expectTypeOf<TaskRecord['param']>().toEqualTypeOf<string>();
    expectTypeOf<CallbackPayload['data']['consumeCredits']>().toEqualTypeOf<number>();
    expectTypeOf<
      paths['/api/v1/jobs/recordInfo']['get']['parameters']['query']['taskId']
    >().toEqualTypeOf<string>();
  });

  it('narrows a validated value to the request type', () => {
    const result = validateCreateTaskRequest({});
    if (result.ok) {
      expectTypeOf(result.value).toEqualTypeOf<CreateTaskRequest>();
    }
  });

  it("types each model's input: one model's input is a compile error for another", () => {
    const omni: RequestOf<'kling-3.0-omni/text-to-video'> = {
      model: 'kling-3.0-omni/text-to-video',
      input: { prompt: 'a lighthouse in a storm', duration: 5, resolution: '1080p', audio: true },
    };
    const seedInput: InputOf<'kling/v2-1-pro'> = { prompt: 'p', image_url: 'https://example.com/a.png' };
    const wrongInput: RequestOf<'kling-2.6/text-to-video'> = {
      model: 'kling-2.6/text-to-video',
      // @ts-expect-error kling/v2-1-pro's input (image_url) is not kling-2.6/text-to-video's (sound, aspect_ratio)
      input: seedInput,
    };
    const omniDurationAsString: RequestOf<'kling-3.0-omni/text-to-video'> = {
      model: 'kling-3.0-omni/text-to-video',
      // @ts-expect-error the Omni models take an integer duration, not a string
      input: { prompt: 'p', duration: '5' },
    };
    const threeZeroDurationAsNumber: RequestOf<'kling-3.0/video'> = {
      model: 'kling-3.0/video',
      // @ts-expect-error kling-3.0/video takes a string duration "3" to "15"
      input: { prompt: 'p', duration: 5, sound: false, aspect_ratio: '16:9', mode: 'pro' },
    };
    const alias: RequestOf<'kling/ai-avatar-v1-pro'> = {
      model: 'kling/ai-avatar-v1-pro',
      input: { image_url: 'https://example.com/a.png', audio_url: 'https://example.com/a.mp3', prompt: '' },
    };
    expectTypeOf<InputOf<'kling-3.0/video'>['mode']>().toEqualTypeOf<'std' | 'pro' | '4K'>();
    expectTypeOf<InputOf<'kling-3.0-omni/text-to-video'>['duration']>().toEqualTypeOf<
      3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | undefined
    >();
    expectTypeOf(alias).toExtend<RequestOf<'kling/ai-avatar-pro'>>();
    expectTypeOf<ModelId>().toExtend<string>();
    // @ts-expect-error a union body still checks the input against the model it names
    const unionChecked: CreateTaskRequest = { model: 'kling-2.6/text-to-video', input: seedInput };
    void [omni, wrongInput, omniDurationAsString, threeZeroDurationAsNumber, unionChecked];
  });
});
