/**
 * The consumer smoke test, as a user of the published packages would write it: only the public
 * entry points, bare specifiers, no Node built-ins (it also runs in a browser page). Creates the
 * spec's `seed` example on the mock, waits for it, and verifies the signed callback.
 *
 * `callbacks` is where the mock delivers: `{ url, next(taskId, timeoutMs) → {body, headers}, close() }`
 * (a node:http listener on server runtimes, a relay in the browser).
 */

import { createKlingClient } from '@kling-kit/client';
import { creditsOf, estimateCredits, klingV21Pro } from '@kling-kit/client/models';
import { verifyCallback } from '@kling-kit/client/webhooks';
import { spec } from '@kling-kit/contract';

function check(condition, message) {
  if (!condition) {
    throw new Error(`smoke: ${message}`);
  }
}

/** The `seed` example of createTask in spec/kling.yaml (kie.ai's own example, verbatim). */
export function seedExample() {
  const example =
    spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed.value;
  return JSON.parse(JSON.stringify(example));
}

export async function smoke({ mockUrl, hmacKey, callbacks, apiKey = 'smoke-test-key' }) {
  const started = Date.now();
  // The default model, registered explicitly from the ./models entry (the same as the default).
  const kling = createKlingClient({ apiKey, baseUrl: mockUrl, models: [klingV21Pro] });
  const seed = seedExample();
  const before = await kling.getCredits();

  const handle = await kling.createTask({ input: seed.input, callBackUrl: callbacks.url });
  check(typeof handle.taskId === 'string' && handle.taskId.length > 0, 'createTask gave no taskId');
  const states = [];
  const task = await kling.waitForTask(handle, {
    timeoutMs: 30_000,
    pollDelay: () => 200,
    onProgress: (current) => states.push(current.state),
  });
  check(task.state === 'success', `the task ended in ${task.state}`);
  check(task.taskId === handle.taskId, 'waitForTask answered another task');
  check(
    JSON.stringify(task.param.input) === JSON.stringify(seed.input),
    'the record does not echo the seed input',
  );
  check(task.resultUrls.length === 1, `expected one result URL, got ${task.resultUrls.length}`);

  const video = await fetch(task.resultUrls[0], { headers: { Range: 'bytes=0-11' } });
  const head = new Uint8Array(await video.arrayBuffer());
  check(
    video.headers.get('content-type') === 'video/mp4',
    `the result is ${video.headers.get('content-type')}`,
  );
  check(String.fromCharCode(...head.subarray(4, 8)) === 'ftyp', 'the result is not an MP4');

  const delivery = await callbacks.next(handle.taskId, 15_000);
  const callback = await verifyCallback({ body: delivery.body, headers: delivery.headers, secret: hmacKey });
  check(callback.task.taskId === handle.taskId, 'the callback names another task');
  check(callback.task.state === 'success', `the callback says ${callback.task.state}`);
  check(callback.task.resultUrls[0] === task.resultUrls[0], 'the callback carries another result');
  let rejected = '';
  try {
    await verifyCallback({ body: delivery.body, headers: delivery.headers, secret: `${hmacKey}-wrong` });
  } catch (error) {
    rejected = error.reason;
  }
  check(rejected === 'bad-signature', `a wrong secret was not rejected as bad-signature (${rejected})`);
  const confirmed = await kling.confirmCallback(callback);
  check(confirmed.state === 'success', 'confirmCallback did not find the successful task');

  const after = await kling.getCredits();
  check(before - after === 50, `a 5 s task should cost 50 credits, it cost ${before - after}`);
  check(estimateCredits(seed) === 50, 'the catalog estimate is not the price charged');
  check(creditsOf(klingV21Pro, seed.input) === 50, "the definition's price is not the price charged");
  return { taskId: handle.taskId, states, credits: [before, after], ms: Date.now() - started };
}
