/**
 * The callback handler for Node's request/response pair: `http.createServer(handler)`, an Express
 * or Connect route (`app.post('/kie-callback', handler)`), a Next.js pages API route. It reads the
 * raw body itself, or takes what a body parser left in `req.body`. No Node import: the types below
 * are the few members it uses.
 */
import { KlingError } from '../errors';
import { type CallbackAnswer, callbackHandling } from './handle-callback';
import type { CallbackHandlerOptions, TaskConfirmer } from './options';
import { collectBody } from './read-body';

/** A Node handler: `(req, res) => Promise<void>` (the promise never rejects). */
export type NodeCallbackHandler = (req: NodeCallbackRequest, res: NodeCallbackResponse) => Promise<void>;

/** What the handler reads of a request: Node's `IncomingMessage`, Express's `Request`. */
export interface NodeCallbackRequest extends AsyncIterable<Uint8Array | string> {
  readonly method?: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** What a body parser that ran first left: an object (`express.json()`), bytes (`express.raw()`), text. */
  readonly body?: unknown;
  /** Whether the body stream was read to its end (by a body parser). */
  readonly readableEnded?: boolean;
}

/** What the handler writes to: Node's `ServerResponse`, Express's `Response`. */
export interface NodeCallbackResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk: string): unknown;
}

const byteLength = (text: string) => new TextEncoder().encode(text).byteLength;

/**
 * The body, from wherever it is. The signature covers `taskId.timestamp`, not the body's bytes, so
 * a body that `express.json()` already parsed verifies exactly as the raw text would.
 */
async function bodyOf(req: NodeCallbackRequest, limit: number): Promise<string | object | undefined> {
  const { body } = req;
  if (typeof body === 'string') {
    return byteLength(body) > limit ? undefined : body;
  }
  if (body instanceof Uint8Array) {
    return body.byteLength > limit ? undefined : new TextDecoder().decode(body);
  }
  // An object with the stream still unread is a parser that skipped this content type (Express 4
  // sets `{}`): the stream holds the body.
  if (typeof body === 'object' && body !== null && req.readableEnded !== false) {
    return body;
  }
  if (req.readableEnded !== true) {
    return collectBody(req, limit);
  }
  throw new KlingError(
    'The request body was read before the callback handler and not left in req.body: mount the handler before body parsers, or after express.json(), express.raw() or express.text()',
  );
}

function write(res: NodeCallbackResponse, answer: CallbackAnswer): void {
  res.statusCode = answer.status;
  res.setHeader('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(answer.headers ?? {})) {
    res.setHeader(name, value);
  }
  res.end(JSON.stringify(answer.body));
}

/**
 * Makes a Node handler `(req, res) => Promise<void>` for kie.ai's callbacks, with the same steps
 * and answers as `createCallbackHandler`. Mount it with or without a body parser before it: it
 * reads the raw stream when nobody did, and otherwise uses `req.body` (parsed JSON, a Buffer, or
 * text). A body some other middleware consumed without leaving it in `req.body` is answered 500
 * (`body-unavailable`). The promise never rejects.
 *
 * @example Express
 * ```ts
 * app.post('/kie-callback', createNodeCallbackHandler({
 *   secret: process.env.KIE_WEBHOOK_HMAC_KEY!,
 *   onCallback: async ({ task }) => { await db.saveResult(task.taskId, task.state, task.resultUrls); },
 * }));
 * ```
 */
export function createNodeCallbackHandler(
  options: CallbackHandlerOptions<true> & { confirm: TaskConfirmer },
): NodeCallbackHandler;
/** Without `confirm`, your function gets the task decoded from the callback's body (`confirmed: false`). */
export function createNodeCallbackHandler(options: CallbackHandlerOptions<false>): NodeCallbackHandler;
/** With a `confirm` that may be undefined, `confirmed` says which task your function got. */
export function createNodeCallbackHandler(options: CallbackHandlerOptions): NodeCallbackHandler;
export function createNodeCallbackHandler(
  options: CallbackHandlerOptions<true> | CallbackHandlerOptions<false> | CallbackHandlerOptions,
): NodeCallbackHandler {
  // One function for the three forms: `confirmed` is set from `confirm` at run time.
  const handle = callbackHandling(options as CallbackHandlerOptions);
  return async (req, res) => {
    const answer = await handle({
      method: req.method ?? 'GET',
      headers: req.headers,
      readBody: (limit) => bodyOf(req, limit),
    });
    try {
      write(res, answer);
    } catch {
      // The response was already sent or the connection is gone: nothing left to tell kie.ai, and
      // node:http would turn a rejection into an unhandled one.
    }
  };
}
