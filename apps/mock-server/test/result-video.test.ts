/**
 * The result videos (src/state/result-video.ts): their boxes, read by a parser of this test's own,
 * for a matrix of lengths × aspect ratios × sound; then a few of them played by real Chromium
 * (headless, through playwright-core, launched as in reference-browser.test.ts) from a local
 * node:http server, with every request to another host than 127.0.0.1 aborted.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ResultAspectRatio, type ResultVideoSpec, resultVideo } from '../src/state/result-video';

const FRAME = 1 / 24;
const DIMENSIONS: Record<ResultAspectRatio, readonly [number, number]> = {
  '16:9': [640, 360],
  '9:16': [360, 640],
  '1:1': [480, 480],
};
const RATIOS = Object.keys(DIMENSIONS) as ResultAspectRatio[];

// --- A minimal MP4 reader, independent of the one in src/ -------------------------------------

interface Box {
  type: string;
  start: number;
  body: number;
  end: number;
  children: Box[];
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'dinf', 'edts', 'mvex', 'udta']);

function parseBoxes(bytes: Buffer, start = 0, end = bytes.length): Box[] {
  const boxes: Box[] = [];
  let at = start;
  while (at < end) {
    const size = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    expect(size, `${type} at ${at}`).toBeGreaterThanOrEqual(8);
    expect(at + size, `${type} at ${at} fits its parent`).toBeLessThanOrEqual(end);
    const box: Box = { type, start: at, body: at + 8, end: at + size, children: [] };
    if (CONTAINERS.has(type)) {
      box.children = parseBoxes(bytes, box.body, box.end);
    }
    boxes.push(box);
    at += size;
  }
  return boxes;
}

function child(box: Box, ...path: string[]): Box {
  let found = box;
  for (const type of path) {
    const next = found.children.find((c) => c.type === type);
    if (!next) {
      throw new Error(`no ${type} in ${found.type}`);
    }
    found = next;
  }
  return found;
}

/** Reads `count` big-endian u32s from `at`. */
const u32s = (bytes: Buffer, at: number, count: number) =>
  Array.from({ length: count }, (_, i) => bytes.readUInt32BE(at + 4 * i));

interface Track {
  handler: string;
  codec: string;
  timescale: number;
  /** mdhd's duration, in seconds. */
  headerSeconds: number;
  /** The sum of the sample durations (stts), in seconds. */
  sampleSeconds: number;
  sampleCount: number;
  tkhdSize: readonly [number, number];
  entry: Buffer;
  syncSamples: number[] | undefined;
  /** Every sample's [offset, size] in the file. */
  samples: [number, number][];
}

interface Movie {
  order: string[];
  seconds: number;
  mdat: Box;
  tracks: Track[];
}

function readMovie(bytes: Buffer): Movie {
  const top = parseBoxes(bytes);
  const moov = top.find((box) => box.type === 'moov') as Box;
  const mdat = top.find((box) => box.type === 'mdat') as Box;
  const mvhd = child(moov, 'mvhd');
  expect(bytes[mvhd.body]).toBe(0);
  const [movieScale, movieDuration] = u32s(bytes, mvhd.body + 12, 2) as [number, number];
  const tracks = moov.children
    .filter((box) => box.type === 'trak')
    .map((trak): Track => {
      const tkhd = child(trak, 'tkhd');
      const mdhd = child(trak, 'mdia', 'mdhd');
      const [timescale, duration] = u32s(bytes, mdhd.body + 12, 2) as [number, number];
      const stbl = child(trak, 'mdia', 'minf', 'stbl');
      const stsd = child(stbl, 'stsd');
      const entry = bytes.subarray(stsd.body + 8, stsd.end);
      const stts = child(stbl, 'stts');
      const runs = u32s(bytes, stts.body + 8, 2 * (bytes.readUInt32BE(stts.body + 4) as number));
      let ticks = 0;
      let count = 0;
      for (let i = 0; i < runs.length; i += 2) {
        count += runs[i] as number;
        ticks += (runs[i] as number) * (runs[i + 1] as number);
      }
      const stsz = child(stbl, 'stsz');
      const [constant, sizeCount] = u32s(bytes, stsz.body + 4, 2) as [number, number];
      const sizes = constant ? Array(sizeCount).fill(constant) : u32s(bytes, stsz.body + 12, sizeCount);
      const stsc = child(stbl, 'stsc');
      const stscRuns = u32s(bytes, stsc.body + 8, 3 * bytes.readUInt32BE(stsc.body + 4));
      const stco = child(stbl, 'stco');
      const offsets = u32s(bytes, stco.body + 8, bytes.readUInt32BE(stco.body + 4));
      const samples: [number, number][] = [];
      offsets.forEach((offset, c) => {
        let perChunk = 0;
        for (let r = 0; r < stscRuns.length; r += 3) {
          if ((stscRuns[r] as number) <= c + 1) {
            perChunk = stscRuns[r + 1] as number;
          }
        }
        let at = offset;
        for (let s = 0; s < perChunk; s++) {
          const size = sizes[samples.length] as number;
          samples.push([at, size]);
          at += size;
        }
      });
      const stss = stbl.children.find((box) => box.type === 'stss');
      return {
        handler: bytes.toString(
          'latin1',
          child(trak, 'mdia', 'hdlr').body + 8,
          child(trak, 'mdia', 'hdlr').body + 12,
        ),
        codec: entry.toString('latin1', 4, 8),
        timescale,
        headerSeconds: duration / timescale,
        sampleSeconds: ticks / timescale,
        sampleCount: count,
        tkhdSize: [bytes.readUInt32BE(tkhd.end - 8) / 65536, bytes.readUInt32BE(tkhd.end - 4) / 65536],
        entry,
        syncSamples: stss ? u32s(bytes, stss.body + 8, bytes.readUInt32BE(stss.body + 4)) : undefined,
        samples,
      };
    });
  return { order: top.map((box) => box.type), seconds: movieDuration / movieScale, mdat, tracks };
}

/** The audioObjectType of an mp4a sample entry's AudioSpecificConfig (2 is AAC-LC). */
function audioObjectType(entry: Buffer): number {
  const esds = entry.indexOf('esds', 0, 'latin1');
  expect(esds).toBeGreaterThan(0);
  // Descriptors: ES (0x03) > DecoderConfig (0x04) > DecoderSpecificInfo (0x05). Find 0x05's payload.
  for (let at = esds + 8; at < entry.length - 2; at++) {
    if (entry[at] === 0x05) {
      let len = at + 1;
      while ((entry[len] as number) & 0x80) {
        len++;
      }
      return (entry[len + 1] as number) >> 3;
    }
  }
  throw new Error('no DecoderSpecificInfo');
}

// --- The matrix -------------------------------------------------------------------------------

describe('resultVideo: the boxes', () => {
  const matrix = [1, 3, 5, 10, 15].flatMap((seconds) =>
    RATIOS.flatMap((aspectRatio) => [false, true].map((audio) => ({ seconds, aspectRatio, audio }))),
  );

  it.each(matrix)('$seconds s, $aspectRatio, audio $audio', (spec: ResultVideoSpec) => {
    const bytes = resultVideo(spec);
    const movie = readMovie(bytes);
    // Progressive and "faststart": everything a player needs comes before the media data.
    expect(movie.order).toEqual(['ftyp', 'moov', 'mdat']);
    expect(movie.seconds).toBeCloseTo(spec.seconds, 3);
    expect(movie.tracks.map((track) => track.handler)).toEqual(spec.audio ? ['vide', 'soun'] : ['vide']);

    const [video, audio] = movie.tracks as [Track, Track | undefined];
    const [width, height] = DIMENSIONS[spec.aspectRatio];
    expect(video.codec).toBe('avc1');
    expect([video.entry.readUInt16BE(32), video.entry.readUInt16BE(34)]).toEqual([width, height]);
    expect(video.tkhdSize).toEqual([width, height]);
    expect(video.sampleSeconds).toBeCloseTo(spec.seconds, 6);
    expect(video.headerSeconds).toBeCloseTo(spec.seconds, 6);
    expect(video.sampleCount).toBe(24 * spec.seconds);
    // Each second starts with a key frame, so any second can be decoded (and seeked to) alone.
    expect(video.syncSamples).toEqual(Array.from({ length: spec.seconds }, (_, i) => 1 + 24 * i));

    if (audio) {
      expect(audio.codec).toBe('mp4a');
      expect(audioObjectType(audio.entry)).toBe(2);
      expect(audio.timescale).toBe(48_000);
      expect(audio.sampleSeconds).toBeLessThanOrEqual(spec.seconds);
      expect(audio.sampleSeconds).toBeGreaterThan(spec.seconds - FRAME);
      expect(audio.headerSeconds).toBe(audio.sampleSeconds);
    }

    // Every sample lies inside mdat, and the samples tile it exactly.
    const all = movie.tracks.flatMap((track) => track.samples).sort((a, b) => a[0] - b[0]);
    let at = movie.mdat.body;
    for (const [offset, size] of all) {
      expect(offset).toBe(at);
      at += size;
    }
    expect(at).toBe(movie.mdat.end);
    // The first video sample holds an IDR slice (NAL unit type 5; each NAL has a 4-byte length prefix).
    const [first] = video.samples[0] as [number, number];
    const nalTypes: number[] = [];
    for (let nal = first; nal < first + (video.samples[0]?.[1] as number); ) {
      nalTypes.push((bytes[nal + 4] as number) & 0x1f);
      nal += 4 + bytes.readUInt32BE(nal);
    }
    expect(nalTypes).toContain(5);

    // Small: about 11 kB a second of video, 3 kB of audio.
    expect(bytes.length).toBeLessThanOrEqual(spec.seconds * (spec.audio ? 16_000 : 13_000) + 2_000);
  });

  it('is deterministic, within a process and across fresh loads of the module', async () => {
    const specs: ResultVideoSpec[] = [
      { seconds: 7, aspectRatio: '9:16', audio: true },
      { seconds: 12, aspectRatio: '1:1', audio: false },
    ];
    const first = specs.map((spec) => Buffer.from(resultVideo(spec)));
    expect(specs.map((spec, i) => resultVideo(spec).equals(first[i] as Buffer))).toEqual([true, true]);
    vi.resetModules();
    const fresh = (await import('../src/state/result-video')) as typeof import('../src/state/result-video');
    expect(fresh.resultVideo).not.toBe(resultVideo);
    expect(specs.map((spec, i) => fresh.resultVideo(spec).equals(first[i] as Buffer))).toEqual([true, true]);
  });

  it('keeps giving the same bytes while its cache turns over', () => {
    const spec: ResultVideoSpec = { seconds: 4, aspectRatio: '16:9', audio: true };
    const before = Buffer.from(resultVideo(spec));
    for (let seconds = 1; seconds <= 15; seconds++) {
      for (const aspectRatio of RATIOS) {
        resultVideo({ seconds, aspectRatio, audio: false });
      }
    }
    expect(resultVideo(spec).equals(before)).toBe(true);
  });

  it('rounds and clamps the length to whole seconds in 1..15, and throws for nothing', () => {
    const lengthOf = (seconds: number) =>
      readMovie(resultVideo({ seconds, aspectRatio: '1:1', audio: false })).seconds;
    expect([0, -3, 1.4, 2.5, 14.6, 16, 1e9].map(lengthOf)).toEqual([1, 1, 1, 3, 15, 15, 15]);
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(lengthOf)).toEqual([
      5, 15, 1,
    ]);
    // Untyped callers: an unknown ratio falls back to 16:9; anything but `true` means no sound.
    const odd = resultVideo({ seconds: 2, aspectRatio: '4:3' as ResultAspectRatio, audio: 'yes' as never });
    const oddMovie = readMovie(odd);
    expect(oddMovie.tracks.map((track) => track.tkhdSize)).toEqual([[640, 360]]);
  });
});

// --- Real Chromium ----------------------------------------------------------------------------

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The page: a <video>, and `probe(src)`, which loads it, plays it past its first second, seeks to
 * 1.25 s before its end and plays it to the end.
 */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>result videos</title>
<video playsinline muted></video>
<script>
const video = document.querySelector('video');
const until = (type) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no ' + type + ' within 15 s')), 15000);
  const onError = () => reject(new Error('media error ' + video.error?.code + ': ' + video.error?.message));
  video.addEventListener('error', onError, { once: true });
  video.addEventListener(type, () => {
    clearTimeout(timer);
    video.removeEventListener('error', onError);
    resolve();
  }, { once: true });
});
window.probe = async (src) => {
  const loaded = until('loadedmetadata');
  video.src = src;
  await loaded;
  const metadata = { duration: video.duration, width: video.videoWidth, height: video.videoHeight };
  await video.play();
  // Past the first second, where the video's second repeats (and the audio frames run on).
  const target = Math.min(1.25, video.duration - 0.25);
  const started = performance.now();
  while (video.currentTime < target) {
    if (performance.now() - started > 15000) throw new Error('currentTime stuck at ' + video.currentTime);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const playedTo = video.currentTime;
  const seeked = until('seeked');
  video.currentTime = Math.max(0, video.duration - 1.25);
  await seeked;
  const ended = until('ended');
  if (video.paused) await video.play();
  await ended;
  return {
    ...metadata,
    playedTo,
    endedAt: video.currentTime,
    audioBytes: video.webkitAudioDecodedByteCount,
    frames: video.getVideoPlaybackQuality().totalVideoFrames,
  };
};
</script>`;

/** What `probe` reports. */
interface Probed {
  duration: number;
  width: number;
  height: number;
  playedTo: number;
  endedAt: number;
  audioBytes: number;
  frames: number;
}

let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
const aborted: string[] = [];

/** `/video/<seconds>/<16x9|9x16|1x1>/<0|1>.mp4`, with byte ranges as a browser asks for them. */
function serve(): Promise<Server> {
  const http = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    }
    const match = /^\/video\/(\d+)\/(16x9|9x16|1x1)\/([01])\.mp4$/.exec(path);
    if (!match) {
      response.writeHead(404).end();
      return;
    }
    const bytes = resultVideo({
      seconds: Number(match[1]),
      aspectRatio: (match[2] as string).replace('x', ':') as ResultAspectRatio,
      audio: match[3] === '1',
    });
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    const headers = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes' };
    if (!range || (!range[1] && !range[2])) {
      response.writeHead(200, { ...headers, 'content-length': bytes.length }).end(bytes);
      return;
    }
    const start = range[1] ? Number(range[1]) : Math.max(0, bytes.length - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    if (start > end) {
      response.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    response
      .writeHead(206, {
        ...headers,
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${bytes.length}`,
      })
      .end(bytes.subarray(start, end + 1));
  });
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(http)));
}

describe('resultVideo in Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH).`,
      );
    }
    server = await serve();
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // The flags reference-browser.test.ts (and the playground's e2e) run Debian's Chromium with.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).hostname === '127.0.0.1') {
        await route.continue();
      } else {
        aborted.push(url);
        await route.abort();
      }
    });
    await page.goto(`${origin}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  const variants: ResultVideoSpec[] = [
    { seconds: 1, aspectRatio: '16:9', audio: true },
    { seconds: 3, aspectRatio: '16:9', audio: false },
    { seconds: 5, aspectRatio: '9:16', audio: true },
    { seconds: 8, aspectRatio: '1:1', audio: false },
    { seconds: 15, aspectRatio: '1:1', audio: true },
  ];

  it.each(variants)(
    'loads, plays and seeks $seconds s $aspectRatio (audio $audio)',
    async (spec) => {
      const src = `${origin}/video/${spec.seconds}/${spec.aspectRatio.replace(':', 'x')}/${spec.audio ? 1 : 0}.mp4`;
      const media = await page.evaluate(
        (url) => (globalThis as unknown as { probe: (url: string) => Promise<Probed> }).probe(url),
        src,
      );
      const [width, height] = DIMENSIONS[spec.aspectRatio];
      expect(Math.abs(media.duration - spec.seconds)).toBeLessThanOrEqual(FRAME);
      expect([media.width, media.height]).toEqual([width, height]);
      expect(media.playedTo).toBeGreaterThanOrEqual(Math.min(1.25, spec.seconds - 0.25));
      expect(Math.abs(media.endedAt - media.duration)).toBeLessThanOrEqual(FRAME);
      expect(media.frames).toBeGreaterThan(0);
      // Chromium decodes the sound track (muted or not) only when there is one.
      expect(media.audioBytes > 0).toBe(spec.audio);
      expect(aborted).toEqual([]);
    },
    60_000,
  );
});
