/**
 * A CommonJS TypeScript consumer, type-checked (never run) by the registry round trip with
 * `module`/`moduleResolution: node16` and `skipLibCheck: false`: each import below compiles to
 * `require()`, so TypeScript must resolve every entry to CommonJS types (`.d.cts`), or it fails with
 * TS1479 ("…is an ECMAScript module and cannot be imported with 'require'").
 */

import { type CliEvent, EXIT_CODES, run as runKling } from '@kling-kit/cli';
import { createKlingClient, isKlingError, KlingError, type Task } from '@kling-kit/client';
import { kling26ImageToVideo } from '@kling-kit/client/models';
import type { verifyCallback } from '@kling-kit/client/webhooks';
import { type CreateTaskRequest, spec } from '@kling-kit/contract';
import { zCreateTaskRequest } from '@kling-kit/contract/zod';
import { type RunningMockServer, startMockServer } from '@kling-kit/mock-server';

import client = require('@kling-kit/client');

export async function run(): Promise<Task> {
  const mock: RunningMockServer = await startMockServer({ port: 0, timing: 'fast' });
  const kling = createKlingClient({ apiKey: 'typed', baseUrl: mock.url });
  const request: CreateTaskRequest = zCreateTaskRequest.parse(
    spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed.value,
  );
  try {
    // A request of any model: its `model` narrows it to the seed's, whose input the default takes.
    if (request.model !== 'kling/v2-1-pro') {
      throw new KlingError(`The seed example is for ${request.model}`);
    }
    return await kling.generate({ input: request.input });
  } catch (error) {
    if (isKlingError(error) && error instanceof client.KlingApiError) {
      throw new KlingError(`kie.ai said ${error.code}`, { cause: error });
    }
    throw error;
  } finally {
    await mock.close();
  }
}

// The types are real, not `any`: a wrong argument must be an error (else this directive is unused).
// @ts-expect-error apiKey is a string
createKlingClient({ apiKey: 42 });

/** A client of one model from the `./models` entry's CommonJS types: its input, typed by the model. */
export function family(baseUrl: string) {
  const kling = createKlingClient({ apiKey: 'typed', baseUrl, models: [kling26ImageToVideo] });
  // @ts-expect-error only the registered model's id type-checks
  void kling.createTask({ model: 'kling/v2-1-pro', input: { prompt: 'p', image_url: baseUrl } });
  return kling.createTask({
    model: 'kling-2.6/image-to-video',
    input: { prompt: 'p', image_urls: [baseUrl], sound: false, duration: '5' },
  });
}

/** What a verified callback resolves to, from the `./webhooks` entry's CommonJS types. */
export type VerifiedCallback = Awaited<ReturnType<typeof verifyCallback>>;

/** The CLI's exports from CommonJS: `run()` and the types of its NDJSON events. */
export async function cli(line: string): Promise<boolean> {
  const event = JSON.parse(line) as CliEvent;
  // @ts-expect-error an event's name is one of the documented ones
  const wrong: CliEvent['event'] = 'started';
  void wrong;
  return event.event === 'done' && (await runKling(['models', '--json'])) === EXIT_CODES.ok;
}
