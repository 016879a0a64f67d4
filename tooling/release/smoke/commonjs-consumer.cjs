/**
 * The CommonJS consumer of the registry round trip, run by `node commonjs-consumer.cjs` on Node 20, 22
 * and 24 in a fresh project without "type": "module" where the packages were installed from the
 * registry. For every published entry point: `require()` works, `import()` works, and both give the
 * very same exports (require goes through the `.cjs` door to the ESM build: one module instance, so an
 * error thrown by the required client is `instanceof` the imported class too). Then a real task
 * through the required client against the required mock. Prints one JSON line.
 */
'use strict';

const assert = require('node:assert/strict');

const ENTRIES = [
  '@kling-kit/contract',
  '@kling-kit/contract/zod',
  '@kling-kit/client',
  '@kling-kit/client/webhooks',
  '@kling-kit/client/models',
  '@kling-kit/mock-server',
  '@kling-kit/redis',
  '@kling-kit/cli',
];

async function main() {
  const started = Date.now();
  const exportCounts = {};
  for (const entry of ENTRIES) {
    const required = require(entry);
    const imported = await import(entry);
    const names = Object.keys(imported).filter((name) => name !== 'default');
    assert.ok(names.length > 0, `${entry}: import() gave no exports`);
    for (const name of names) {
      assert.ok(required[name] !== undefined, `${entry}: require() lacks ${name}`);
      assert.equal(
        required[name],
        imported[name],
        `${entry}: ${name} differs between require() and import()`,
      );
    }
    exportCounts[entry] = names.length;
  }

  const { createKlingClient, KlingError, KlingInputError } = require('@kling-kit/client');
  const imported = await import('@kling-kit/client');
  const { startMockServer, MOCK_SERVER_VERSION } = require('@kling-kit/mock-server');
  const { spec } = require('@kling-kit/contract');
  const { zCreateTaskRequest } = require('@kling-kit/contract/zod');
  const { verifyCallback } = require('@kling-kit/client/webhooks');
  assert.equal(typeof verifyCallback, 'function');
  const { creditsOf, estimateCredits, findModel, kling26ImageToVideo } = require('@kling-kit/client/models');

  const seed =
    spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed.value;
  assert.ok(zCreateTaskRequest.safeParse(seed).success, 'the zod schema rejects the seed example');

  const mock = await startMockServer({ port: 0, timing: 'fast', log: false, loopbackOnly: true });
  try {
    const kling = createKlingClient({ apiKey: 'commonjs-consumer-key', baseUrl: mock.url });
    const rejected = await kling.createTask({ input: { ...seed.input, prompt: '' } }).catch((error) => error);
    assert.ok(rejected instanceof KlingInputError, `an empty prompt gave ${rejected}`);
    assert.ok(
      rejected instanceof imported.KlingError,
      'a required error is not instanceof the imported class',
    );
    assert.ok(imported.isKlingError(rejected) && rejected instanceof KlingError);

    const before = await kling.getCredits();
    const handle = await kling.createTask({ input: seed.input });
    const task = await kling.waitForTask(handle, { timeoutMs: 30_000, pollDelay: () => 200 });
    assert.equal(task.state, 'success');
    assert.equal(before - (await kling.getCredits()), 50, 'a 5 s task costs 50 credits');

    // A model registered from the required ./models entry is checked locally by the required client.
    const family = createKlingClient({
      apiKey: 'commonjs-consumer-key',
      baseUrl: mock.url,
      models: [kling26ImageToVideo],
    });
    const { model, input } = findModel(kling26ImageToVideo.id).example;
    const refused = await family
      .createTask({ model, input: { ...input, duration: '7' } })
      .catch((error) => error);
    assert.ok(refused instanceof KlingInputError, `a 7 s 2.6 video gave ${refused}`);
    assert.equal(creditsOf(kling26ImageToVideo, input), estimateCredits({ model, input }));
    console.info(
      JSON.stringify({
        ok: true,
        node: process.version,
        requireModule: process.features.require_module === true,
        mockServer: MOCK_SERVER_VERSION,
        exportCounts,
        taskId: task.taskId,
        ms: Date.now() - started,
      }),
    );
  } finally {
    await mock.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
