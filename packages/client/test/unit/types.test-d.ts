import { describe, expectTypeOf, it } from 'vitest';
import type {
  CallbackVerificationError,
  ClientOptions,
  CreateTaskParams,
  KlingApiError,
  KlingClient,
  KlingInputError,
  Task,
  TaskFailedError,
  TaskHandle,
  WaitTimeoutError,
} from '../../src/index';
import type { KlingCallback, verifyCallback } from '../../src/webhooks';

declare const kling: KlingClient;
const image_url = 'https://file.example.com/a.png';

describe('the public types', () => {
  it('type-check createTask input', () => {
    expectTypeOf(kling.createTask).parameter(0).toEqualTypeOf<CreateTaskParams>();
    // Without `model`, the default model: its inputs, and a handle of its id.
    expectTypeOf(kling.createTask({ input: { prompt: 'p', image_url } })).resolves.toEqualTypeOf<
      TaskHandle<'kling/v2-1-pro'>
    >();
    expectTypeOf({
      input: { prompt: 'p', image_url, duration: '10', cfg_scale: 0.5, tail_image_url: '' },
      callBackUrl: 'http://127.0.0.1:8787/kie-callback',
      model: 'kling/v2-1-pro',
    } as const).toExtend<CreateTaskParams>();

    // @ts-expect-error `imageUrl` is not a field: the spec says `image_url`
    void kling.createTask({ input: { prompt: 'p', imageUrl: image_url } });
    // @ts-expect-error duration is the string "5" | "10", not a number
    void kling.createTask({ input: { prompt: 'p', image_url, duration: 5 } });
    // @ts-expect-error only "5" and "10" exist
    void kling.createTask({ input: { prompt: 'p', image_url, duration: '7' } });
    // @ts-expect-error not a Kling model id (kie.ai serves no `kling/v2-1-master`)
    void kling.createTask({ input: { prompt: 'p', image_url }, model: 'kling/v2-1-master' });
    // @ts-expect-error prompt is required
    void kling.createTask({ input: { image_url } });
    // @ts-expect-error input is required
    void kling.createTask({ callBackUrl: 'http://127.0.0.1:8787/kie-callback' });
  });

  it('type tasks and handles', () => {
    expectTypeOf<Task['state']>().toEqualTypeOf<'waiting' | 'queuing' | 'generating' | 'success' | 'fail'>();
    expectTypeOf<Task['failCode']>().toEqualTypeOf<string | null>();
    expectTypeOf<Task['failMsg']>().toEqualTypeOf<string | null>();
    expectTypeOf<Task['resultUrls']>().toEqualTypeOf<string[]>();
    expectTypeOf<Task['costTimeMs']>().toEqualTypeOf<number | null>();
    expectTypeOf<TaskHandle>().toEqualTypeOf<{
      readonly taskId: string;
      readonly model: string;
      readonly createdAt: number;
      readonly callBackUrl?: string;
    }>();
    expectTypeOf(kling.getTask('id')).resolves.toEqualTypeOf<Task>();
    expectTypeOf(kling.waitForTask('id')).resolves.toEqualTypeOf<Task>();
    expectTypeOf(kling.watchTask('id')).toEqualTypeOf<AsyncGenerator<Task>>();
    expectTypeOf(kling.waitForTask).parameter(0).toEqualTypeOf<string | TaskHandle>();
    expectTypeOf(kling.getCredits()).resolves.toEqualTypeOf<number>();
    expectTypeOf(kling.getDownloadUrl('u')).resolves.toEqualTypeOf<string>();
  });

  it('type errors', () => {
    expectTypeOf<TaskFailedError['failCode']>().toEqualTypeOf<string | null>();
    expectTypeOf<TaskFailedError['failMsg']>().toEqualTypeOf<string | null>();
    expectTypeOf<TaskFailedError['taskId']>().toEqualTypeOf<string>();
    expectTypeOf<TaskFailedError['task']>().toEqualTypeOf<Task>();
    expectTypeOf<WaitTimeoutError['taskId']>().toEqualTypeOf<string>();
    expectTypeOf<KlingApiError['code']>().toEqualTypeOf<number>();
    expectTypeOf<KlingApiError['status']>().toEqualTypeOf<number>();
    expectTypeOf<KlingApiError['msg']>().toEqualTypeOf<string>();
    expectTypeOf<KlingInputError['issues'][number]>().toExtend<{
      path: string;
      keyword: string;
      message: string;
    }>();
    expectTypeOf<CallbackVerificationError['reason']>().toEqualTypeOf<
      'missing-signature' | 'bad-signature' | 'stale-timestamp' | 'invalid-body'
    >();
  });

  it('type options and callbacks', () => {
    expectTypeOf<(request: Request) => Promise<Response>>().toExtend<NonNullable<ClientOptions['fetch']>>();
    expectTypeOf<typeof verifyCallback>().returns.resolves.toEqualTypeOf<KlingCallback>();
    expectTypeOf<KlingCallback['task']>().toEqualTypeOf<Task>();
  });
});
