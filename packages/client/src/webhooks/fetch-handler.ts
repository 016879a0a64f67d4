/**
 * The callback handler as a Fetch function, `(request) => Promise<Response>`: a Next.js route
 * handler, a Hono route (`c.req.raw`), `Bun.serve`, `Deno.serve`, a Cloudflare Worker's `fetch`.
 */
import { KlingError } from '../errors';
import { type CallbackAnswer, callbackHandling } from './handle-callback';
import type { CallbackHandlerOptions, TaskConfirmer } from './options';
import { collectBody, streamChunks } from './read-body';

/** A Fetch handler: `(request) => Promise<Response>`. */
export type FetchCallbackHandler = (request: Request) => Promise<Response>;

/** Writes an answer as a Fetch `Response` (JSON). */
function toResponse(answer: CallbackAnswer): Response {
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { 'Content-Type': 'application/json', ...answer.headers },
  });
}

/**
 * Makes a Fetch handler for kie.ai's callbacks: it verifies the signature, parses the body,
 * de-duplicates redeliveries, optionally confirms the record with recordInfo, calls `onCallback`,
 * and answers 200 only once it resolved (500 if it threw, so that kie.ai retries). Other answers:
 * 401 bad or missing signature or stale timestamp, 400 not a callback, 405 not a POST, 409 being
 * handled by another delivery or not matching recordInfo, 413 too large, 502 recordInfo failed.
 * Throws `KlingError` at once for a wrong option.
 *
 * @example Next.js (app/api/kie-callback/route.ts)
 * ```ts
 * export const POST = createCallbackHandler({
 *   secret: process.env.KIE_WEBHOOK_HMAC_KEY!,
 *   confirm: kling,
 *   onCallback: async ({ task }) => { await db.saveResult(task.taskId, task.state, task.resultUrls); },
 * });
 * ```
 */
export function createCallbackHandler(
  options: CallbackHandlerOptions<true> & { confirm: TaskConfirmer },
): FetchCallbackHandler;
/** Without `confirm`, your function gets the task decoded from the callback's body (`confirmed: false`). */
export function createCallbackHandler(options: CallbackHandlerOptions<false>): FetchCallbackHandler;
/** With a `confirm` that may be undefined, `confirmed` says which task your function got. */
export function createCallbackHandler(options: CallbackHandlerOptions): FetchCallbackHandler;
export function createCallbackHandler(
  options: CallbackHandlerOptions<true> | CallbackHandlerOptions<false> | CallbackHandlerOptions,
): FetchCallbackHandler {
  // One function for the three forms: `confirmed` is set from `confirm` at run time.
  const handle = callbackHandling(options as CallbackHandlerOptions);
  return async (request) =>
    toResponse(
      await handle({
        method: request.method,
        headers: request.headers,
        async readBody(limit) {
          if (request.bodyUsed) {
            throw new KlingError(
              'The request body was read before the callback handler: pass it the request unread (in Hono, c.req.raw before any c.req.json())',
            );
          }
          return request.body ? collectBody(streamChunks(request.body), limit) : '';
        },
      }),
    );
}
