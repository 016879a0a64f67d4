/**
 * Writes a progressive, "faststart" MP4: `ftyp`, then `moov` with complete sample tables, then one
 * `mdat` holding the tracks' chunks interleaved. Any player or tool reads it (no fragment support
 * needed), and a browser can seek with HTTP range requests once it has the first bytes.
 */
import { box, childBoxes, fullBox, mapChildren, u32 } from './mp4-boxes';
import type { Mp4Sample } from './mp4-fragments';

/** One track to write. */
export interface Mp4TrackLayout {
  /** The `trak` to take the track header and codec setup (`stsd`) from; its tables are replaced. */
  readonly trak: Buffer;
  /** Units per second of the samples' durations (the source's `mdhd` timescale). */
  readonly timescale: number;
  /** The samples, chunk by chunk: chunk i of every track is stored together, in track order. */
  readonly chunks: readonly (readonly Mp4Sample[])[];
}

/** `mvhd` and `tkhd` durations are in milliseconds. */
const MOVIE_TIMESCALE = 1000;

/** The MP4 file of `tracks`, numbered 1, 2, ... in order. Deterministic: no dates, no names. */
export function writeMp4(tracks: readonly Mp4TrackLayout[]): Buffer {
  const ftyp = box(
    'ftyp',
    Buffer.from('isom', 'latin1'),
    u32(0x200),
    Buffer.from('isomiso2avc1mp41', 'latin1'),
  );

  // Interleave: chunk 0 of each track, chunk 1 of each track, ... Offsets relative to mdat's body.
  const payload: Buffer[] = [];
  const chunkOffsets = tracks.map((): number[] => []);
  const chunkSizes = tracks.map((): number[] => []);
  let at = 0;
  const chunkCount = Math.max(0, ...tracks.map((track) => track.chunks.length));
  for (let c = 0; c < chunkCount; c++) {
    tracks.forEach((track, t) => {
      const chunk = track.chunks[c] ?? [];
      if (chunk.length > 0) {
        chunkOffsets[t]?.push(at);
        chunkSizes[t]?.push(chunk.length);
        for (const sample of chunk) {
          payload.push(sample.data);
          at += sample.data.length;
        }
      }
    });
  }

  const moov = (base: number) => {
    const traks = tracks.map((track, t) =>
      trak(
        track,
        t + 1,
        (chunkOffsets[t] ?? []).map((offset) => base + offset),
        chunkSizes[t] ?? [],
      ),
    );
    const duration = Math.max(0, ...tracks.map(trackDuration));
    return box('moov', mvhd(duration, tracks.length + 1), ...traks);
  };
  // moov's size does not depend on the offsets it holds: measure it, then write it for real.
  const mdatBody = ftyp.length + moov(0).length + 8;
  return Buffer.concat([ftyp, moov(mdatBody), box('mdat', ...payload)]);
}

const samplesOf = (track: Mp4TrackLayout): Mp4Sample[] => track.chunks.flat();

const mediaDuration = (track: Mp4TrackLayout): number =>
  samplesOf(track).reduce((sum, sample) => sum + sample.duration, 0);

const trackDuration = (track: Mp4TrackLayout): number =>
  Math.round((mediaDuration(track) * MOVIE_TIMESCALE) / track.timescale);

function mvhd(duration: number, nextTrackId: number): Buffer {
  const identity = u32(0x1_0000, 0, 0, 0, 0x1_0000, 0, 0, 0, 0x4000_0000);
  return fullBox(
    'mvhd',
    0,
    0,
    u32(0, 0, MOVIE_TIMESCALE, duration, 0x1_0000), // creation, modification, timescale, duration, rate 1.0
    Buffer.from([0x01, 0x00]), // volume 1.0
    Buffer.alloc(10),
    identity,
    Buffer.alloc(24),
    u32(nextTrackId),
  );
}

/** The source `trak` with this track's id, durations and sample tables; edit lists dropped. */
function trak(track: Mp4TrackLayout, trackId: number, offsets: number[], chunkSizes: number[]): Buffer {
  return mapChildren(track.trak, (child, type) => {
    if (type === 'tkhd') {
      return patchHeader(child, trackDuration(track), trackId);
    }
    if (type === 'edts') {
      return undefined;
    }
    if (type !== 'mdia') {
      return child;
    }
    return mapChildren(child, (mdiaChild, mdiaType) => {
      if (mdiaType === 'mdhd') {
        return patchHeader(mdiaChild, mediaDuration(track));
      }
      if (mdiaType !== 'minf') {
        return mdiaChild;
      }
      return mapChildren(mdiaChild, (minfChild, minfType) =>
        minfType === 'stbl' ? stbl(minfChild, samplesOf(track), offsets, chunkSizes) : minfChild,
      );
    });
  });
}

/**
 * A copy of a `tkhd` (when `trackId` is given) or `mdhd` with its duration, and its track_ID, set.
 * Both start with version/flags and two dates (32-bit in version 0, 64-bit in version 1, as is
 * the duration then); tkhd has track_ID and 4 reserved bytes before duration, mdhd the timescale.
 */
function patchHeader(full: Buffer, duration: number, trackId?: number): Buffer {
  const copy = Buffer.from(full);
  const body = childBoxes(copy)[0]?.body ?? 8;
  const v1 = copy[body] === 1;
  let at = body + 4 + (v1 ? 16 : 8);
  if (trackId === undefined) {
    at += 4;
  } else {
    copy.writeUInt32BE(trackId, at);
    at += 8;
  }
  if (v1) {
    copy.writeBigUInt64BE(BigInt(duration), at);
  } else {
    copy.writeUInt32BE(duration, at);
  }
  return copy;
}

/** A new `stbl`: the source's `stsd`, then stts, stss, stsc, stsz and stco for `samples`. */
function stbl(
  source: Buffer,
  samples: readonly Mp4Sample[],
  offsets: number[],
  chunkSizes: number[],
): Buffer {
  const [self] = childBoxes(source);
  const stsd = self
    ? childBoxes(source, self.body, self.end).find((child) => child.type === 'stsd')
    : undefined;
  if (!stsd) {
    throw new Error('MP4: the source track has no stsd');
  }
  const tables = [source.subarray(stsd.start, stsd.end), table('stts', runs(samples.map((s) => s.duration)))];
  if (samples.some((sample) => !sample.sync)) {
    const syncs = samples.flatMap((sample, i) => (sample.sync ? [i + 1] : []));
    tables.push(fullBox('stss', 0, 0, u32(syncs.length, ...syncs)));
  }
  const chunkRuns: number[][] = [];
  chunkSizes.forEach((size, i) => {
    if (chunkRuns.at(-1)?.[1] !== size) {
      chunkRuns.push([i + 1, size, 1]); // first chunk, samples per chunk, sample description 1
    }
  });
  tables.push(table('stsc', chunkRuns));
  const sizes = samples.map((sample) => sample.data.length);
  const constant = sizes.every((size) => size === sizes[0]) ? (sizes[0] ?? 0) : 0;
  tables.push(fullBox('stsz', 0, 0, u32(constant, sizes.length, ...(constant ? [] : sizes))));
  tables.push(fullBox('stco', 0, 0, u32(offsets.length, ...offsets)));
  return box('stbl', ...tables);
}

/** A table box of fixed-size entries: entry count, then the entries. */
const table = (type: string, entries: readonly (readonly number[])[]): Buffer =>
  fullBox(type, 0, 0, u32(entries.length, ...entries.flat()));

/** Run-length `[count, value]` entries of `values` (the shape of `stts`). */
function runs(values: readonly number[]): number[][] {
  const entries: number[][] = [];
  for (const value of values) {
    const last = entries.at(-1);
    if (last && last[1] === value) {
      last[0] = (last[0] ?? 0) + 1;
    } else {
      entries.push([1, value]);
    }
  }
  return entries;
}
