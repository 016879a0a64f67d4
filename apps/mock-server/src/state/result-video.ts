/**
 * The "generated video" of a successful task: a real, playable MP4 (H.264, plus AAC-LC audio when
 * asked for) of the requested length and aspect ratio. It is built on demand from one-second
 * fixtures (`fixtures/kling-16x9.mp4`, `kling-9x16.mp4`, `kling-1x1.mp4`, `kling-audio.mp4`; see
 * fixtures/README.md): the video second is repeated, the audio frames are chained, and the whole
 * is written as a progressive MP4 with the real duration. The last few results are cached.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FragmentedTrack, type Mp4Sample, readFragmentedTrack } from './mp4-fragments';
import { type Mp4TrackLayout, writeMp4 } from './mp4-writer';

/** The frame shapes Kling generates. */
export type ResultAspectRatio = '16:9' | '9:16' | '1:1';

/** What a result video must look like. */
export interface ResultVideoSpec {
  /** Length in seconds: rounded to a whole number and clamped to 1..15 (NaN gives 5, Kling's default). */
  readonly seconds: number;
  readonly aspectRatio: ResultAspectRatio;
  /** Whether the video has a sound track (a quiet 375 Hz tone). */
  readonly audio: boolean;
}

const MIN_SECONDS = 1;
const MAX_SECONDS = 15;
const DEFAULT_SECONDS = 5;
/** Built files kept (the largest, 15 s with audio, is about 0.2 MB). */
const CACHE_ENTRIES = 16;

const VIDEO_FIXTURES: Record<ResultAspectRatio, string> = {
  '16:9': 'kling-16x9.mp4',
  '9:16': 'kling-9x16.mp4',
  '1:1': 'kling-1x1.mp4',
};
const AUDIO_FIXTURE = 'kling-audio.mp4';

const fixturesDir = (): string => {
  // src/state/ in development, dist/ once built: fixtures/ sits at the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++) {
    const candidate = join(dir, 'fixtures');
    try {
      readFileSync(join(candidate, VIDEO_FIXTURES['16:9']), { flag: 'r' });
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error(
    `kling-mock: result video fixtures (fixtures/${VIDEO_FIXTURES['16:9']}) are missing from the package`,
  );
};

let dir: string | undefined;
const tracks = new Map<string, FragmentedTrack>();

/** A fixture's track, read once; its samples must make exactly one second. */
function fixture(name: string): FragmentedTrack {
  let track = tracks.get(name);
  if (!track) {
    dir ??= fixturesDir();
    track = readFragmentedTrack(readFileSync(join(dir, name)));
    const length = track.samples.reduce((sum, sample) => sum + sample.duration, 0);
    if (!track.samples[0]?.sync || (track.handler === 'vide' && length !== track.timescale)) {
      throw new Error(`kling-mock: fixtures/${name} must hold one second starting with a key frame`);
    }
    tracks.set(name, track);
  }
  return track;
}

const cache = new Map<string, Buffer>();

/**
 * The MP4 served as the result of a task asking for `spec`. Deterministic: the same spec gives the
 * same bytes. Throws only if the package's fixtures are missing or damaged.
 */
export function resultVideo(spec: ResultVideoSpec): Buffer {
  const seconds = Number.isNaN(spec.seconds)
    ? DEFAULT_SECONDS
    : Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, Math.round(spec.seconds)));
  const aspectRatio = Object.hasOwn(VIDEO_FIXTURES, spec.aspectRatio) ? spec.aspectRatio : '16:9';
  const audio = spec.audio === true;
  const key = `${seconds}s ${aspectRatio}${audio ? ' audio' : ''}`;
  let file = cache.get(key);
  if (file) {
    cache.delete(key); // re-inserted below: the Map's order is least recently used first
  } else {
    file = build(seconds, aspectRatio, audio);
    if (cache.size >= CACHE_ENTRIES) {
      cache.delete(cache.keys().next().value as string);
    }
  }
  cache.set(key, file);
  return file;
}

function build(seconds: number, aspectRatio: ResultAspectRatio, audio: boolean): Buffer {
  const video = fixture(VIDEO_FIXTURES[aspectRatio]);
  const layout: Mp4TrackLayout[] = [
    {
      trak: video.trak,
      timescale: video.timescale,
      chunks: Array.from({ length: seconds }, () => video.samples),
    },
  ];
  if (audio) {
    const sound = fixture(AUDIO_FIXTURE);
    layout.push({ trak: sound.trak, timescale: sound.timescale, chunks: audioSeconds(sound, seconds) });
  }
  return writeMp4(layout);
}

/**
 * The fixture's audio frames chained (round and round) for `seconds`, grouped by the second each
 * frame starts in, so each second's audio is stored next to its video. Audio frames (1024 samples)
 * do not divide a second: the last frame ends before `seconds`, at most one frame (21 ms) early.
 */
function audioSeconds(sound: FragmentedTrack, seconds: number): Mp4Sample[][] {
  const chunks: Mp4Sample[][] = Array.from({ length: seconds }, () => []);
  const end = seconds * sound.timescale;
  for (let i = 0, start = 0; ; i++) {
    const frame = sound.samples[i % sound.samples.length] as Mp4Sample;
    if (frame.duration <= 0 || start + frame.duration > end) {
      return chunks;
    }
    chunks[Math.floor(start / sound.timescale)]?.push(frame);
    start += frame.duration;
  }
}
