import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expectTypeOf, it } from 'vitest';
import type { KlingClient, Task } from '../../src/index';
import {
  type CallbackEvent,
  createCallbackHandler,
  createNodeCallbackHandler,
  type KlingCallback,
  type NodeCallbackRequest,
  type NodeCallbackResponse,
} from '../../src/webhooks';

declare const kling: KlingClient;
declare const maybeKling: KlingClient | undefined;
const secret = 'key';

describe('the callback handlers’ types', () => {
  it('hand over the parsed callback, and say whether the task was confirmed', () => {
    createCallbackHandler({
      secret,
      onCallback: (event) => {
        expectTypeOf(event).toEqualTypeOf<CallbackEvent<false>>();
        expectTypeOf(event.callback).toEqualTypeOf<KlingCallback>();
        expectTypeOf(event.callback.data.consumeCredits).toEqualTypeOf<number>();
        expectTypeOf(event.callback.code).toEqualTypeOf<200 | 501>();
        expectTypeOf(event.task).toEqualTypeOf<Task>();
        expectTypeOf(event.confirmed).toEqualTypeOf<false>();
      },
    });
    createCallbackHandler({
      secret,
      confirm: kling,
      onCallback: async (event) => {
        expectTypeOf(event.confirmed).toEqualTypeOf<true>();
        expectTypeOf(event.task).toEqualTypeOf<Task>();
      },
    });
    createNodeCallbackHandler({
      secret,
      confirm: (taskId: string) => kling.getTask(taskId),
      onCallback: (event) => expectTypeOf(event.confirmed).toEqualTypeOf<true>(),
    });
    createCallbackHandler({
      secret,
      confirm: maybeKling,
      onCallback: (event) => expectTypeOf(event.confirmed).toEqualTypeOf<boolean>(),
    });
  });

  it('are a Fetch handler and a Node handler', () => {
    const fetchHandler = createCallbackHandler({ secret, onCallback: () => {} });
    expectTypeOf(fetchHandler).toEqualTypeOf<(request: Request) => Promise<Response>>();
    const nodeHandler = createNodeCallbackHandler({ secret, onCallback: () => {} });
    // Node's own request and response fit, with no @types/express needed.
    expectTypeOf<IncomingMessage>().toExtend<NodeCallbackRequest>();
    expectTypeOf<ServerResponse>().toExtend<NodeCallbackResponse>();
    expectTypeOf(nodeHandler).toExtend<(req: IncomingMessage, res: ServerResponse) => void>();
  });

  it('reject wrong options', () => {
    // @ts-expect-error the secret is required
    createCallbackHandler({ onCallback: () => {} });
    // @ts-expect-error confirm takes a client or a (taskId) => Promise<Task>
    createCallbackHandler({ secret, confirm: 'yes', onCallback: () => {} });
    // @ts-expect-error a store needs claim, complete and release
    createCallbackHandler({ secret, store: { claim: () => 'claimed' }, onCallback: () => {} });
  });
});
