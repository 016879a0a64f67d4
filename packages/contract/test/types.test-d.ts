import { describe, expectTypeOf, it } from 'vitest';
import type {
  CallbackPayload,
  CreateTaskRequest,
  FailCode,
  paths,
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
    // @ts-expect-error only kling/v2-1-pro is a valid model
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
});
