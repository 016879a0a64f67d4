/**
 * 8. The `kling` command line (apps/cli), three figures, each against its reference in the same run:
 * - cold start of `kling --help` against `node -e 0` (interleaved runs, ratio of medians);
 * - `kling batch` of 100 jobs against an in-process kling-mock with kie.ai's real rate limits (20
 *   creates per 10 s, from the contract): how long its creates take against what the limit allows
 *   (ceil(100 / 20) windows = 50 s), and how many 429s the mock answered (goal: none);
 * - downloading a 100 MB result (`kling wait` on a finished task whose result a loopback file server
 *   serves) against `curl -o` of the same URL, interleaved, with kling's peak RSS against a 10 MB
 *   download's (memory flat in the size).
 * Runs alone with `node bench/src/kling-cli.mjs` (after `pnpm build`), or as part of `pnpm bench`.
 */
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RATE_LIMITS } from '@kling-kit/contract';
import { startMockServer } from '@kling-kit/mock-server';
import {
  CLI_BATCH_CREATES_MAX_RATIO,
  CLI_COLD_START_MAX_RATIO,
  CLI_DOWNLOAD_MIN_RATIO_TO_CURL,
  CLI_DOWNLOAD_RSS_GROWTH_MAX_MIB,
} from './budgets.mjs';
import { fmt, row, verdict } from './format.mjs';
import {
  interleaved,
  listeningUrl,
  median,
  processMemory,
  sleep,
  spawnServer,
  stopServer,
} from './harness.mjs';

const KLING = fileURLToPath(new URL('../../apps/cli/bin/kling.js', import.meta.url));
const KEY = 'bench-cli-key';
const MB = 1024 * 1024;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Runs a command to its exit; resolves with its wall time, output and the peak RSS seen (MiB). */
function timed(command, args, { cwd, env, sampleMemory = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const sampler = sampleMemory
      ? setInterval(() => {
          const { hwm } = processMemory(child.pid);
          if (Number.isFinite(hwm)) {
            peak = Math.max(peak, hwm);
          }
        }, 25)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      resolve({ ms: performance.now() - started, code, stdout, stderr, peakMiB: peak });
    });
  });
}

const events = (stdout) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));

/** `kling --help` and `node -e 0`, `runs` times each, interleaved. */
async function coldStart(runs) {
  const commands = {
    node: [process.execPath, ['-e', '0']],
    kling: [process.execPath, [KLING, '--help']],
  };
  const times = { node: [], kling: [] };
  for (let round = 0; round < runs; round++) {
    for (const name of interleaved(Object.keys(commands), round)) {
      const [command, args] = commands[name];
      const run = await timed(command, args);
      if (run.code !== 0) {
        throw new Error(`${name} exited ${run.code}: ${run.stderr}`);
      }
      times[name].push(run.ms);
    }
  }
  return { runs, times, node: median(times.node), kling: median(times.kling) };
}

/** A batch of `count` jobs against a mock with kie.ai's rate limits: how long its creates take. */
async function batchCreates(count) {
  const log = [];
  const mock = await startMockServer({
    port: 0,
    timing: 'fast',
    loopbackOnly: true,
    log: (line) => log.push(JSON.parse(line)),
  });
  const dir = mkdtempSync(join(tmpdir(), 'kling-bench-batch-'));
  try {
    writeFileSync(join(dir, 'photo.png'), PNG);
    const lines = Array.from({ length: count }, (_, index) =>
      JSON.stringify({
        id: `shot-${index + 1}`,
        prompt: `Shot ${index + 1}`,
        image: 'photo.png',
        out: `shot-${index + 1}.mp4`,
      }),
    );
    writeFileSync(join(dir, 'jobs.jsonl'), `${lines.join('\n')}\n`);
    const run = await timed(
      process.execPath,
      [KLING, 'batch', 'jobs.jsonl', '--out-dir', 'videos', '--json'],
      {
        cwd: dir,
        env: { KIE_API_KEY: KEY, KIE_BASE_URL: mock.url },
      },
    );
    const summary = events(run.stdout).find((event) => event.event === 'summary');
    const journal = readFileSync(join(dir, 'jobs.jsonl.journal'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const sent = journal.filter((entry) => entry.event === 'creating').map((entry) => entry.t);
    const answered = journal.filter((entry) => entry.event === 'created').map((entry) => entry.t);
    const { limit, windowMs } = RATE_LIMITS.createTask;
    return {
      jobs: count,
      exitCode: run.code,
      succeeded: summary?.succeeded ?? 0,
      created: answered.length,
      createsMs: Math.max(...answered) - Math.min(...sent),
      allowedMs: Math.ceil(count / limit) * windowMs,
      slidingMinimumMs: (Math.ceil(count / limit) - 1) * windowMs,
      totalMs: run.ms,
      rateLimited: log.filter((line) => line.status === 429).length,
      createRequests: log.filter((line) => line.operation === 'createTask').length,
      limit,
      windowMs,
    };
  } finally {
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a file of `bytes` (not all zeros, so nothing along the way can shortcut it). */
function writeBig(path, bytes) {
  const block = Buffer.alloc(MB);
  for (let index = 0; index < block.length; index++) {
    block[index] = (index * 31 + 7) & 0xff;
  }
  const blocks = [];
  for (let written = 0; written < bytes; written += MB) {
    blocks.push(block.subarray(0, Math.min(MB, bytes - written)));
  }
  writeFileSync(path, Buffer.concat(blocks));
}

/** A 100 MB (and a 10 MB) result through `kling wait` and through curl, interleaved. */
async function downloads(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'kling-bench-download-'));
  const served = join(dir, 'served');
  mkdirSync(join(served, 'files', 'results'), { recursive: true });
  const files = { big: join(dir, 'big.bin'), small: join(dir, 'small.bin') };
  writeBig(files.big, 100 * MB);
  writeBig(files.small, 10 * MB);
  // The results are served by a plain file server in its own process (the mock's `publicUrl`), so
  // nothing the bench does (sampling memory) slows the sender.
  const fileServer = await spawnServer({
    name: 'file server',
    args: [fileURLToPath(new URL('./servers/file-server.mjs', import.meta.url)), served],
    url: listeningUrl,
    readyPath: '/',
  });
  const mock = await startMockServer({
    port: 0,
    timing: 'fast',
    loopbackOnly: true,
    publicUrl: fileServer.url,
  });
  const env = { KIE_API_KEY: KEY, KIE_BASE_URL: mock.url };
  try {
    const task = async (file) => {
      const answer = await fetch(`${mock.url}/api/v1/jobs/createTask`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'kling/v2-1-pro',
          input: { prompt: 'bench', image_url: 'https://example.com/a.png' },
        }),
      }).then((response) => response.json());
      const { taskId } = answer.data;
      mock.admin.forceState(taskId, 'success');
      linkSync(file, join(served, 'files', 'results', `${taskId}.mp4`));
      return { taskId, url: JSON.parse(mock.admin.task(taskId).record.resultJson).resultUrls[0] };
    };
    const big = await task(files.big);
    const small = await task(files.small);
    const kling = async (target, name) => {
      const run = await timed(process.execPath, [KLING, 'wait', target.taskId, '--out', name, '--json'], {
        cwd: dir,
        env,
        sampleMemory: true,
      });
      const downloaded = events(run.stdout).find((event) => event.event === 'downloaded');
      if (run.code !== 0 || !downloaded) {
        throw new Error(`kling wait exited ${run.code}: ${run.stderr}`);
      }
      rmSync(join(dir, name), { force: true });
      return {
        bytesPerSecond: (downloaded.bytes * 1000) / downloaded.ms,
        peakMiB: run.peakMiB,
        bytes: downloaded.bytes,
      };
    };
    const curl = async () => {
      const run = await timed(
        'curl',
        ['-s', '-o', 'curl.bin', '-w', '%{speed_download} %{size_download}', big.url],
        {
          cwd: dir,
        },
      );
      const [speed, size] = run.stdout.trim().split(' ').map(Number);
      if (run.code !== 0 || size !== 100 * MB) {
        throw new Error(`curl exited ${run.code} with ${size} bytes: ${run.stderr}`);
      }
      rmSync(join(dir, 'curl.bin'), { force: true });
      return { bytesPerSecond: speed };
    };
    const samples = { kling: [], curl: [], small: [] };
    for (let round = 0; round < runs; round++) {
      for (const name of interleaved(['kling', 'curl', 'small'], round)) {
        if (name === 'kling') {
          samples.kling.push(await kling(big, 'kling.mp4'));
        } else if (name === 'curl') {
          samples.curl.push(await curl());
        } else {
          samples.small.push(await kling(small, 'small.mp4'));
        }
        await sleep(50);
      }
    }
    const speed = (list) => median(list.map((sample) => sample.bytesPerSecond));
    return {
      runs,
      bytes: 100 * MB,
      klingSpeed: speed(samples.kling),
      curlSpeed: speed(samples.curl),
      peakBig: median(samples.kling.map((sample) => sample.peakMiB)),
      peakSmall: median(samples.small.map((sample) => sample.peakMiB)),
      samples,
    };
  } finally {
    await mock.close();
    await stopServer(fileServer);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every figure of the CLI. */
export async function klingCli({ say = () => {}, coldRuns = 21, batchJobs = 100, downloadRuns = 5 } = {}) {
  if (
    !existsSync(KLING) ||
    !existsSync(fileURLToPath(new URL('../../apps/cli/dist/cli.js', import.meta.url)))
  ) {
    throw new Error('apps/cli/dist is missing: run `pnpm build` (pnpm bench does) first');
  }
  say('kling CLI: cold start of kling --help against node -e 0');
  const cold = await coldStart(coldRuns);
  say(`kling CLI: a batch of ${batchJobs} jobs with kie.ai's rate limits (about a minute)`);
  const batch = await batchCreates(batchJobs);
  say('kling CLI: a 100 MB download against curl');
  const download = await downloads(downloadRuns);
  return { cold, batch, download };
}

const mbps = (bytesPerSecond) => `${fmt(bytesPerSecond / MB, 0)} MiB/s`;
/** A signed size in MiB: `+1.2 MiB`, `−0.3 MiB`. */
const mib = (value) => `${value < 0 ? '−' : '+'}${fmt(Math.abs(value), 1)} MiB`;

/** The results.md section and summary rows of the CLI. */
export function klingCliSection({ cold, batch, download }) {
  const coldRatio = cold.kling / cold.node;
  const coldOk = coldRatio <= CLI_COLD_START_MAX_RATIO;
  const batchRatio = batch.createsMs / batch.allowedMs;
  const batchOk =
    batch.exitCode === 0 &&
    batch.succeeded === batch.jobs &&
    batch.rateLimited === 0 &&
    batchRatio <= CLI_BATCH_CREATES_MAX_RATIO;
  const speedRatio = download.klingSpeed / download.curlSpeed;
  const growth = download.peakBig - download.peakSmall;
  const downloadOk =
    speedRatio >= CLI_DOWNLOAD_MIN_RATIO_TO_CURL && growth <= CLI_DOWNLOAD_RSS_GROWTH_MAX_MIB;
  const seconds = (ms) => `${fmt(ms / 1000, 1)} s`;
  return {
    summary: [
      row(
        `8. kling --help cold start / node -e 0 (medians of ${cold.runs})`,
        `${fmt(coldRatio, 2)} (${fmt(cold.kling)} ms / ${fmt(cold.node)} ms)`,
        `≤ ${CLI_COLD_START_MAX_RATIO}`,
        coldOk,
      ),
      row(
        `8. kling batch: ${batch.jobs} creates at ${batch.limit} per ${batch.windowMs / 1000} s`,
        `${seconds(batch.createsMs)} of ${seconds(batch.allowedMs)} allowed (${fmt(batchRatio, 2)}), ${batch.rateLimited} × 429`,
        `≤ ${CLI_BATCH_CREATES_MAX_RATIO}, no 429`,
        batchOk,
      ),
      row(
        '8. kling download of 100 MB / curl, peak RSS over a 10 MB download',
        `${fmt(speedRatio, 2)} (${mbps(download.klingSpeed)} / ${mbps(download.curlSpeed)}), ${mib(growth)}`,
        `≥ ${CLI_DOWNLOAD_MIN_RATIO_TO_CURL}, ≤ +${CLI_DOWNLOAD_RSS_GROWTH_MAX_MIB} MiB`,
        downloadOk,
      ),
    ],
    lines: [
      '## 8. The kling command line',
      '',
      'The built `apps/cli/bin/kling.js`, spawned as a user runs it, each figure against its reference in the same run.',
      '',
      '| figure | kling | reference | ratio | goal | result |',
      '|---|--:|--:|--:|--:|:-:|',
      `| Cold start, \`kling --help\` vs \`node -e 0\` (median of ${cold.runs}, interleaved) | ${fmt(cold.kling)} ms | ` +
        `${fmt(cold.node)} ms | ${fmt(coldRatio, 2)} | ≤ ${CLI_COLD_START_MAX_RATIO} | ${verdict(coldOk)} |`,
      `| \`kling batch\` of ${batch.jobs} jobs: first create sent → last create answered, vs what ${batch.limit} per ` +
        `${batch.windowMs / 1000} s allows (${Math.ceil(batch.jobs / batch.limit)} windows) | ${seconds(batch.createsMs)} | ` +
        `${seconds(batch.allowedMs)} | ${fmt(batchRatio, 2)} | ≤ ${CLI_BATCH_CREATES_MAX_RATIO} | ${verdict(batchOk)} |`,
      `| Download of 100 MB, \`kling wait\` vs \`curl -o\` (median of ${download.runs}, interleaved) | ` +
        `${mbps(download.klingSpeed)} | ${mbps(download.curlSpeed)} | ${fmt(speedRatio, 2)} | ≥ ${CLI_DOWNLOAD_MIN_RATIO_TO_CURL} | ` +
        `${verdict(speedRatio >= CLI_DOWNLOAD_MIN_RATIO_TO_CURL)} |`,
      `| Peak RSS of \`kling wait\`: 100 MB vs 10 MB download (median of ${download.runs}) | ${fmt(download.peakBig, 1)} MiB | ` +
        `${fmt(download.peakSmall, 1)} MiB | ${mib(growth)} | ≤ +${CLI_DOWNLOAD_RSS_GROWTH_MAX_MIB} MiB | ` +
        `${verdict(growth <= CLI_DOWNLOAD_RSS_GROWTH_MAX_MIB)} |`,
      '',
      `The batch ran against an in-process kling-mock with kie.ai's limits on (fast timing): ${batch.createRequests} ` +
        `createTask requests, ${batch.rateLimited} answered 429, ${batch.succeeded}/${batch.jobs} jobs done (exit ${batch.exitCode}), ` +
        `${seconds(batch.totalMs)} in all. A sliding window cannot do better than ${seconds(batch.slidingMinimumMs)} ` +
        `(${batch.limit} at once, then ${batch.limit} more each ${batch.windowMs / 1000} s); kling counts each create from its ` +
        'answer, so the server never sees more than the limit in any window.',
      `Downloads: a loopback file server in its own process serves the result (the mock's \`publicUrl\`); kling's speed is ` +
        "its `downloaded` event (bytes over the time from the first request to the rename), curl's is `%{speed_download}`; " +
        'both write to the same temporary folder. RSS: /proc VmHWM (the high-water mark) read every 25 ms.',
      `Runs (ms): kling --help ${cold.times.kling.map((value) => fmt(value)).join(', ')}; node -e 0 ${cold.times.node.map((value) => fmt(value)).join(', ')}. ` +
        `Download speeds (MiB/s): kling ${download.samples.kling.map((sample) => fmt(sample.bytesPerSecond / MB)).join(', ')}; ` +
        `curl ${download.samples.curl.map((sample) => fmt(sample.bytesPerSecond / MB)).join(', ')}.`,
    ],
  };
}

// Alone: `node bench/src/kling-cli.mjs` prints the section; `… download` (or `cold`, `batch`) one figure.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2]) {
  const part = process.argv[2];
  const figures =
    part === 'cold' ? await coldStart(21) : part === 'batch' ? await batchCreates(100) : await downloads(5);
  const { samples, times, ...shown } = figures;
  console.info(
    JSON.stringify(
      { ...shown, runs: samples ?? times },
      (_key, value) => (typeof value === 'number' ? Math.round(value * 10) / 10 : value),
      2,
    ),
  );
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const figures = await klingCli({
    say: (text) => console.info(`[bench ${fmt((performance.now() - started) / 1000)} s] ${text}`),
  });
  const section = klingCliSection(figures);
  console.info(
    [
      '| figure | measured | goal | result |',
      '|---|--:|--:|:-:|',
      ...section.summary.map(
        (entry) => `| ${entry.figure} | ${entry.measured} | ${entry.goal} | ${verdict(entry.ok)} |`,
      ),
      '',
      ...section.lines,
    ].join('\n'),
  );
}
