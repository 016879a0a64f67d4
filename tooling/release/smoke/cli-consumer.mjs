/**
 * The CLI's consumer check in the registry round trip, run in a fresh project where `@kling-kit/cli`
 * (with its optional `@kling-kit/mock-server`) was installed from the registry: the installed `kling`
 * binary, spawned the way a user runs it, against the installed mock. `--mock` offline; a local
 * image uploaded, the task created and the result saved byte for byte; a batch run twice (the
 * second creates nothing); credits. Prints one JSON line.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockServer } from '@kling-kit/mock-server';

const bin = join(process.cwd(), 'node_modules', '.bin', 'kling');
const KEY = 'cli-consumer-key-5f1c0a';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function check(condition, message) {
  if (!condition) {
    throw new Error(`cli consumer: ${message}`);
  }
}

/** Runs the installed `kling`; resolves with its exit code, output and NDJSON events. */
function kling(args, env = {}) {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const events = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line));
        resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr, events });
      },
    );
  });
}

const started = Date.now();
writeFileSync('photo.png', PNG);
const version = JSON.parse(readFileSync('node_modules/@kling-kit/cli/package.json', 'utf8')).version;
const printed = await kling(['--version']);
check(printed.stdout.trim() === version, `kling --version printed ${printed.stdout}`);

const offline = await kling(
  ['generate', '--mock', '--image', 'photo.png', '--prompt', 'A paper boat', '--out', 'mock.mp4'],
  {
    KIE_API_KEY: '',
  },
);
check(offline.code === 0, `generate --mock exited ${offline.code}: ${offline.stderr}`);
check(readFileSync('mock.mp4').subarray(4, 8).toString('latin1') === 'ftyp', 'generate --mock saved no MP4');

const mock = await startMockServer({ port: 0, timing: 'fast', log: false, loopbackOnly: true });
const env = { KIE_API_KEY: KEY, KIE_BASE_URL: mock.url };
try {
  const made = await kling(
    ['generate', '--image', 'photo.png', '--prompt', 'A kite', '--out', 'kite.mp4'],
    env,
  );
  check(made.code === 0, `generate exited ${made.code}: ${made.stderr}`);
  const names = made.events.map((event) => event.event);
  check(
    names[0] === 'uploaded' && names[1] === 'created' && names.at(-1) === 'done',
    `events: ${names.join(', ')}`,
  );
  const [task] = mock.admin.tasks();
  const sent = JSON.parse(task.record.param).input.image_url;
  check(sent === made.events[0].url && sent.startsWith(mock.url), `the task got image_url ${sent}`);
  const served = Buffer.from(
    await (await fetch(JSON.parse(task.record.resultJson).resultUrls[0])).arrayBuffer(),
  );
  check(readFileSync('kite.mp4').equals(served), 'the saved file is not the mock’s result');

  writeFileSync(
    'jobs.jsonl',
    ['a', 'b', 'c'].map((id) => JSON.stringify({ id, prompt: `Shot ${id}`, image: 'photo.png' })).join('\n'),
  );
  const batch = await kling(['batch', 'jobs.jsonl', '--out-dir', 'videos'], env);
  check(batch.code === 0, `batch exited ${batch.code}: ${batch.stderr}`);
  check(
    ['a', 'b', 'c'].every((id) => existsSync(join('videos', `${id}.mp4`))),
    'batch saved fewer than 3 files',
  );
  const again = await kling(['batch', 'jobs.jsonl', '--out-dir', 'videos'], env);
  const summary = again.events.at(-1);
  check(
    again.code === 0 && summary.created === 0 && summary.succeeded === 3,
    `rerun: ${JSON.stringify(summary)}`,
  );
  check(mock.admin.tasks().length === 4, `the mock has ${mock.admin.tasks().length} tasks, not 4`);

  const credits = await kling(['credits', '--json'], env);
  check(typeof JSON.parse(credits.stdout).credits === 'number', `credits printed ${credits.stdout}`);
  const all = [offline, made, batch, again, credits].map((run) => run.stdout + run.stderr).join('\n');
  check(!all.includes(KEY), 'the key appeared in the output');
} finally {
  await mock.close();
}
console.info(JSON.stringify({ ok: true, version, ms: Date.now() - started }));
