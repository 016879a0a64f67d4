/** `createKlingClient`: the SDK's entry point. */
import {
  type AnyModelId,
  API_SERVER_URL,
  formatIssues,
  type InputOf,
  isUploadPath,
  type ModelAlias,
  type ModelId,
  POLL_SCHEDULE,
  type paths,
  type RequestOf,
  type TaskRecord,
  UPLOAD_SERVER_URL,
} from '@kling-kit/contract';
import { klingV21Pro, type ModelDefinition } from '@kling-kit/contract/models';
import {
  type Client,
  type ClientPathsWithMethod,
  createFinalURL,
  type FetchOptions,
  serializePrimitiveParam,
} from 'openapi-fetch';
import type { RateLimitedOperation } from './coordination';
import { KlingError, KlingInputError } from './errors';
import { PollScheduler } from './internal/poll-scheduler';
import { redactor } from './internal/redact';
import { type Call, request } from './internal/request';
import type { ClientOptions } from './options';
import { decodeTask, type Task, type TaskHandle } from './task';
import { planUpload, type UploadedFile, type UploadOptions, type UploadSource } from './uploads';
import { type WaitDeps, type WaitOptions, waitForTask, watchTask } from './wait';

/** The default model, the seed: what a request without `model` creates. */
export type DefaultModel = 'kling/v2-1-pro';

/** A create request for model `M`. */
export interface ModelParams<M extends AnyModelId> {
  /** The model id (a deprecated avatar alias selects its model's inputs). */
  model: M;
  /** The model's inputs, as its request schema in the spec says (`InputOf<M>`). */
  input: InputOf<M>;
  /** kie.ai POSTs the final record here (verify it with `verifyCallback`). */
  callBackUrl?: string;
}

/** A create request without `model`: the default model, `kling/v2-1-pro`. */
export interface DefaultModelParams {
  /** @default 'kling/v2-1-pro' */
  model?: undefined;
  input: InputOf<DefaultModel>;
  /** kie.ai POSTs the final record here (verify it with `verifyCallback`). */
  callBackUrl?: string;
}

/**
 * What `createTask` takes: a model id and that model's inputs (the input type follows the `model`
 * literal), and optionally a callback URL. Without `model`, the inputs of `kling/v2-1-pro`.
 */
export type CreateTaskParams<M extends AnyModelId = AnyModelId> =
  | (M extends AnyModelId ? ModelParams<M> : never)
  | (DefaultModel extends M ? DefaultModelParams : never);

/** The ids a client accepts for the registered models `M`: each id and its deprecated aliases. */
export type RegisteredModelId<M extends ModelId> =
  | M
  | { [A in ModelAlias]: M extends RequestOf<A>['model'] ? A : never }[ModelAlias];

/** What a request without `model` creates for a client of the ids `Ids`: the default model, if registered. */
type DefaultOf<Ids extends AnyModelId> = Extract<Ids, DefaultModel>;

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * A client for kie.ai's Kling models. `Ids` are the model ids it accepts: every model's by default,
 * or those of the definitions passed as `models` to `createKlingClient`.
 */
export interface KlingClient<Ids extends AnyModelId = AnyModelId> {
  /**
   * Creates the task. A request for a registered model (`models` option; `kling/v2-1-pro` by default)
   * is checked locally first and throws `KlingInputError` (the mock's messages) without sending
   * anything; another model's request is sent as it is, and kie.ai validates it. Never retried when
   * the outcome is unknown.
   */
  createTask<M extends Ids = DefaultOf<Ids>>(
    params: CreateTaskParams<M>,
    options?: CallOptions,
  ): Promise<TaskHandle<M>>;
  /** The task's record, decoded. */
  getTask(taskId: string, options?: CallOptions): Promise<Task>;
  /** Resolves with the successful task; rejects with `TaskFailedError` or `WaitTimeoutError`. */
  waitForTask<M extends string = string>(
    task: string | TaskHandle<M>,
    options?: WaitOptions<M>,
  ): Promise<Task<M>>;
  /** Yields the task at each state change, ending with its final state. */
  watchTask<M extends string = string>(
    task: string | TaskHandle<M>,
    options?: WaitOptions<M>,
  ): AsyncGenerator<Task<M>>;
  /** `createTask` then `waitForTask`. */
  generate<M extends Ids = DefaultOf<Ids>>(
    params: CreateTaskParams<M>,
    options?: WaitOptions<M>,
  ): Promise<Task<M>>;
  /** The account's remaining credits. */
  getCredits(options?: CallOptions): Promise<number>;
  /** A 20-minute download link for a URL kie.ai generated. */
  getDownloadUrl(url: string, options?: CallOptions): Promise<string>;
  /** Uploads an image (bytes, Blob, public URL or data URL); pass the result's `downloadUrl` as `image_url`. */
  uploadFile(source: UploadSource, options?: UploadOptions): Promise<UploadedFile>;
  /** The authoritative record behind a callback (the signature does not cover the body). */
  confirmCallback(callback: { data: { taskId: string } } | { task: { taskId: string } }): Promise<Task>;
}

/** A request as the implementation reads it: the public types check the pairing of model and input. */
interface AnyParams {
  model?: string | undefined;
  input: unknown;
  callBackUrl?: string | undefined;
}

/** The client's methods without the model typing (the public `KlingClient` is this, typed). */
interface Implementation extends Omit<KlingClient, 'createTask' | 'waitForTask' | 'watchTask' | 'generate'> {
  createTask(params: AnyParams, options?: CallOptions): Promise<TaskHandle>;
  waitForTask(task: string | TaskHandle, options?: WaitOptions): Promise<Task>;
  watchTask(task: string | TaskHandle, options?: WaitOptions): AsyncGenerator<Task>;
  generate(params: AnyParams, options?: WaitOptions): Promise<Task>;
}

/** The spec's paths that have an operation for `method`. */
type PathFor<Method extends 'get' | 'post'> = ClientPathsWithMethod<Client<paths>, Method>;
/** What a successful answer's envelope carries in `data`, as the spec declares it. */
type SuccessData<Operation> = Operation extends {
  responses: { 200: { content: { 'application/json': { data?: infer Data } } } };
}
  ? NonNullable<Data> // each call's `expect` guard rejects a null or missing `data`
  : unknown; // an operation whose 200 answer is not the envelope must not type-check as anything

/**
 * Query strings are built by openapi-fetch's serializer for primitive values (form style, encoded):
 * every query parameter of kie.ai's API is a primitive (recordInfo's `taskId`), so its array and
 * object serializers, most of `createQuerySerializer`'s weight, are not bundled.
 */
const querySerializer = (query: Record<string, unknown>): string =>
  Object.entries(query)
    .map(([name, value]) => serializePrimitiveParam(name, value as string))
    .filter(Boolean)
    .join('&');
/** No operation of kie.ai's API has path parameters: paths are used as they are. */
const pathSerializer = (pathname: string) => pathname;

/** A host's registrable domain, as its last two labels (`api.kie.ai` → `kie.ai`). */
const siteOf = (url: string) => new URL(url).hostname.split('.').slice(-2).join('.');
/** The sites of kie.ai's two servers: their subdomains hold the key as much as the servers do. */
const kieSites = [siteOf(API_SERVER_URL), siteOf(UPLOAD_SERVER_URL)];

const isUploadedFile = (data: unknown) => typeof (data as UploadedFile | null)?.downloadUrl === 'string';

function environmentKey(): string | undefined {
  const global = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env?: { get(name: string): string | undefined } };
  };
  try {
    return global.process?.env?.KIE_API_KEY ?? global.Deno?.env?.get('KIE_API_KEY');
  } catch {
    return undefined; // Deno without --allow-env
  }
}

const inBrowser = (): boolean =>
  typeof (globalThis as { document?: unknown }).document !== 'undefined' &&
  typeof (globalThis as { window?: unknown }).window !== 'undefined';

/**
 * Creates a client. Throws `KlingError` without an API key, or in a browser talking to api.kie.ai
 * without opt-in. `models` (definitions from `@kling-kit/client/models`) lists the models checked
 * locally, and types the client for those ids only; without it, every model type-checks and only
 * `kling/v2-1-pro` is checked locally (other models' requests go out as they are).
 */
export function createKlingClient<M extends ModelId = ModelId>(
  options: ClientOptions<M> = {},
): KlingClient<RegisteredModelId<M>> {
  const apiKey = (options.apiKey ?? environmentKey())?.trim();
  if (!apiKey) {
    throw new KlingError('No kie.ai API key: pass apiKey or set KIE_API_KEY');
  }
  if (/[^\x21-\x7e]/.test(apiKey)) {
    // Fetch would reject the header and quote it (key included) in its error message.
    throw new KlingError('The API key has characters an HTTP header cannot carry');
  }
  const baseUrl = (options.baseUrl ?? API_SERVER_URL).replace(/\/+$/, '');
  // A mock or a proxy serves both kie.ai servers; only the real API has a separate upload host.
  const uploadBaseUrl = (options.uploadBaseUrl ?? (options.baseUrl ? baseUrl : UPLOAD_SERVER_URL)).replace(
    /\/+$/,
    '',
  );
  const isKieHost = (url: string) => kieSites.includes(siteOf(url));
  if (inBrowser() && !options.dangerouslyAllowBrowser && (isKieHost(baseUrl) || isKieHost(uploadBaseUrl))) {
    throw new KlingError(
      'In a browser the API key would be exposed: call kie.ai from a server or proxy, or set dangerouslyAllowBrowser',
    );
  }
  const authorization = { Authorization: `Bearer ${apiKey}` };
  const redact = redactor(apiKey);
  const settings = {
    maxRetries: options.maxRetries ?? 2,
    timeoutMs: options.timeoutMs ?? 60_000,
    hooks: options.hooks ?? {},
    redact,
  };
  /**
   * One operation of the spec, with the envelope, timeout and retry rules. openapi-fetch builds the
   * URL; the request goes out as fetch(url, init) (undici's Request is slow to build and to send),
   * or as a Request to an injected fetch.
   */
  const send = <Method extends 'get' | 'post', Path extends PathFor<Method>>(
    method: Method,
    path: Path,
    init: Pick<FetchOptions<paths[Path][Method]>, 'params' | 'body'>,
    details: Partial<Pick<Call, 'kind' | 'taskId' | 'expect' | 'gate'>> & {
      signal?: AbortSignal | undefined;
    },
  ) =>
    request<SuccessData<paths[Path][Method]>>(settings, {
      label: `${method.toUpperCase()} ${path}`,
      kind: details.kind ?? 'safe',
      ...details,
      send: (signal) => {
        const url = createFinalURL(path, {
          baseUrl: isUploadPath(path) ? uploadBaseUrl : baseUrl,
          params: init.params ?? {},
          querySerializer,
          pathSerializer,
        });
        const { body } = init;
        const requestInit: RequestInit = {
          method: method.toUpperCase(),
          signal,
          // A FormData body gets its multipart Content-Type (with the boundary) from fetch.
          ...(body === undefined
            ? { headers: authorization }
            : body instanceof FormData
              ? { headers: authorization, body }
              : {
                  headers: { ...authorization, 'Content-Type': 'application/json' },
                  body: JSON.stringify(body),
                }),
        };
        return options.fetch
          ? options.fetch(new Request(url, requestInit))
          : globalThis.fetch(url, requestInit);
      },
    });

  const { coordinator } = options;
  /** The shared budget of `operation`, asked before each attempt (none without a coordinator). */
  const gate = (operation: RateLimitedOperation) =>
    coordinator && ((signal?: AbortSignal) => coordinator.acquire(operation, signal));
  // A wait's polls ask the budget through the scheduler; any other query asks it here.
  const getTask = async (taskId: string, signal?: AbortSignal, gated?: boolean) =>
    decodeTask(
      await send(
        'get',
        '/api/v1/jobs/recordInfo',
        { params: { query: { taskId } } },
        {
          taskId,
          signal,
          gate: gated ? gate('getTaskRecord') : undefined,
          expect: (data) => typeof (data as TaskRecord | null)?.state === 'string',
        },
      ),
    );
  // The registered models by id and alias (a Map: a model id like "constructor" finds nothing).
  const registry = new Map<string, ModelDefinition>();
  for (const definition of (options.models ?? [klingV21Pro]) as readonly ModelDefinition[]) {
    for (const id of [definition.id, ...definition.aliases]) {
      registry.set(id, definition);
    }
  }
  const waitDeps: WaitDeps = {
    getTask,
    scheduler: new PollScheduler(
      options.maxPollsPerSecond ?? POLL_SCHEDULE.maxPollsPerSecond,
      coordinator && (() => coordinator.acquire('getTaskRecord')),
    ),
    hooks: settings.hooks,
    watch: coordinator?.watch?.bind(coordinator),
  };

  const client: Implementation = {
    async createTask(params, callOptions = {}) {
      const body = {
        model: params.model ?? klingV21Pro.id,
        ...(params.callBackUrl ? { callBackUrl: params.callBackUrl } : {}),
        input: params.input,
      };
      // A registered model's request is checked here, with the checks (and so the messages) the
      // mock uses; any other model's goes out as it is, for kie.ai to judge.
      const checked = registry.get(body.model)?.validate(body);
      if (checked && !checked.ok) {
        throw new KlingInputError(
          `Invalid createTask request: ${formatIssues(checked.issues)}`,
          checked.issues,
        );
      }
      const data = await send(
        'post',
        '/api/v1/jobs/createTask',
        // The public types pair the model with its inputs; an unregistered model is kie.ai's to judge.
        { body: body as never },
        {
          kind: 'create',
          gate: gate('createTask'),
          signal: callOptions.signal,
          expect: (data) => typeof (data as { taskId?: unknown } | null)?.taskId === 'string',
        },
      );
      const { callBackUrl } = body;
      return {
        taskId: data.taskId,
        model: body.model,
        createdAt: Date.now(),
        ...(callBackUrl ? { callBackUrl } : {}),
      };
    },
    getTask: (taskId, callOptions = {}) => getTask(taskId, callOptions.signal, true),
    waitForTask: (task, waitOptions) => waitForTask(waitDeps, task, waitOptions),
    watchTask: (task, waitOptions) => watchTask(waitDeps, task, waitOptions),
    async generate(params, waitOptions = {}) {
      return client.waitForTask(await client.createTask(params, { signal: waitOptions.signal }), waitOptions);
    },
    getCredits: (callOptions = {}) =>
      send(
        'get',
        '/api/v1/chat/credit',
        {},
        { signal: callOptions.signal, expect: (data) => typeof data === 'number' },
      ),
    getDownloadUrl: (url, callOptions = {}) =>
      send(
        'post',
        '/api/v1/common/download-url',
        { body: { url } },
        { signal: callOptions.signal, expect: (data) => typeof data === 'string' },
      ),
    async uploadFile(source, uploadOptions = {}) {
      const plan = await planUpload(source, uploadOptions);
      const details = { signal: uploadOptions.signal, expect: isUploadedFile };
      if (plan.via === 'url') {
        return send('post', '/api/file-url-upload', { body: plan.body }, details);
      }
      if (plan.via === 'base64') {
        return send('post', '/api/file-base64-upload', { body: plan.body }, details);
      }
      // The spec describes the multipart body field by field (`file` as binary); FormData is how
      // fetch sends exactly that, so it stands in for the schema's object here.
      return send('post', '/api/file-stream-upload', { body: plan.body as never }, details);
    },
    confirmCallback: (callback) =>
      getTask('task' in callback ? callback.task.taskId : callback.data.taskId, undefined, true),
  };
  // The one way out of every method passes the redactor, whatever the error's source: an injected
  // fetch quoting the request, a proxy echoing the key in a message, a record's failMsg. watchTask
  // returns an async generator, whose errors come out of next() rather than a promise.
  const guarded: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(client) as [string, (...args: unknown[]) => unknown][]) {
    guarded[name] ??=
      name === 'watchTask'
        ? async function* (...args: unknown[]) {
            try {
              return yield* method(...args) as AsyncGenerator<Task>;
            } catch (error) {
              throw redact(error);
            }
          }
        : async (...args: unknown[]) => {
            try {
              return await method(...args);
            } catch (error) {
              throw redact(error);
            }
          };
  }
  return guarded as unknown as KlingClient<RegisteredModelId<M>>;
}
