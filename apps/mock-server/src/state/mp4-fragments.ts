/**
 * Reads a one-track fragmented MP4 (an init segment, ftyp + moov with mvex, then moof + mdat
 * fragments) into its track header and its samples, so they can be laid out again.
 */
import { type BoxRef, childBoxes, childrenOf, requireBox } from './mp4-boxes';

/** One coded frame (a video picture, or one AAC frame of audio). */
export interface Mp4Sample {
  readonly data: Buffer;
  /** In the track's timescale. */
  readonly duration: number;
  /** A sync sample (a key frame) that decoding can start from. */
  readonly sync: boolean;
}

/** The one track of a fragmented MP4. */
export interface FragmentedTrack {
  /** The init segment's `trak` box: `tkhd`, `mdia` with the codec setup in `stsd`, empty tables. */
  readonly trak: Buffer;
  /** `vide`, `soun`, ... (from `hdlr`). */
  readonly handler: string;
  /** Units per second of the track's times (from `mdhd`). */
  readonly timescale: number;
  /** Every sample of every fragment, in decoding order. */
  readonly samples: readonly Mp4Sample[];
}

/** `sample_is_non_sync_sample` in ISO BMFF sample flags. */
const NON_SYNC = 0x0001_0000;

interface Defaults {
  duration: number;
  size: number;
  flags: number;
}

/**
 * The track of a fragmented MP4 with exactly one track. Throws when the file is not one, or when
 * samples carry composition offsets (B frames), which the writer does not lay out.
 */
export function readFragmentedTrack(file: Buffer): FragmentedTrack {
  const moov = requireBox(file, ['moov']);
  const traks = childrenOf(file, moov).filter((box) => box.type === 'trak');
  const [trak] = traks;
  if (!trak || traks.length !== 1) {
    throw new Error(`MP4: expected one track, found ${traks.length}`);
  }
  const tkhd = requireBox(file, ['tkhd'], trak);
  const trackId = file.readUInt32BE(tkhd.body + (file[tkhd.body] === 1 ? 20 : 12));
  const mdhd = requireBox(file, ['mdia', 'mdhd'], trak);
  const timescale = file.readUInt32BE(mdhd.body + (file[mdhd.body] === 1 ? 20 : 12));
  const hdlr = requireBox(file, ['mdia', 'hdlr'], trak);
  const handler = file.toString('latin1', hdlr.body + 8, hdlr.body + 12);

  const trex = childrenOf(file, requireBox(file, ['mvex'], moov)).find(
    (box) => box.type === 'trex' && file.readUInt32BE(box.body + 4) === trackId,
  );
  const defaults: Defaults = trex
    ? {
        duration: file.readUInt32BE(trex.body + 12),
        size: file.readUInt32BE(trex.body + 16),
        flags: file.readUInt32BE(trex.body + 20),
      }
    : { duration: 0, size: 0, flags: 0 };

  const samples: Mp4Sample[] = [];
  for (const moof of childBoxes(file).filter((box) => box.type === 'moof')) {
    let dataEnd = moof.start;
    for (const traf of childrenOf(file, moof).filter((box) => box.type === 'traf')) {
      dataEnd = readTraf(file, moof, traf, trackId, defaults, dataEnd, samples);
    }
  }
  if (samples.length === 0) {
    throw new Error('MP4: the file has no fragment');
  }
  return { trak: file.subarray(trak.start, trak.end), handler, timescale, samples };
}

/** Appends the samples of one `traf` to `samples`; returns where its data ends. */
function readTraf(
  file: Buffer,
  moof: BoxRef,
  traf: BoxRef,
  trackId: number,
  trackDefaults: Defaults,
  previousDataEnd: number,
  samples: Mp4Sample[],
): number {
  const tfhd = requireBox(file, ['tfhd'], traf);
  const tfhdFlags = file.readUInt32BE(tfhd.body) & 0xffffff;
  if (file.readUInt32BE(tfhd.body + 4) !== trackId) {
    throw new Error('MP4: a fragment of another track');
  }
  let at = tfhd.body + 8;
  // Without an explicit base, or default-base-is-moof, data follows the previous traf's data.
  let base = tfhdFlags & 0x02_0000 ? moof.start : previousDataEnd;
  if (tfhdFlags & 0x01) {
    base = Number(file.readBigUInt64BE(at));
    at += 8;
  }
  if (tfhdFlags & 0x02) {
    at += 4; // sample_description_index
  }
  const defaults = { ...trackDefaults };
  if (tfhdFlags & 0x08) {
    defaults.duration = file.readUInt32BE(at);
    at += 4;
  }
  if (tfhdFlags & 0x10) {
    defaults.size = file.readUInt32BE(at);
    at += 4;
  }
  if (tfhdFlags & 0x20) {
    defaults.flags = file.readUInt32BE(at);
  }

  let dataAt = base;
  for (const trun of childrenOf(file, traf).filter((box) => box.type === 'trun')) {
    const flags = file.readUInt32BE(trun.body) & 0xffffff;
    const count = file.readUInt32BE(trun.body + 4);
    let pos = trun.body + 8;
    if (flags & 0x01) {
      dataAt = base + file.readInt32BE(pos);
      pos += 4;
    }
    let firstFlags: number | undefined;
    if (flags & 0x04) {
      firstFlags = file.readUInt32BE(pos);
      pos += 4;
    }
    for (let i = 0; i < count; i++) {
      const field = (bit: number, fallback: number) => {
        if (!(flags & bit)) {
          return fallback;
        }
        const value = file.readUInt32BE(pos);
        pos += 4;
        return value;
      };
      const duration = field(0x100, defaults.duration);
      const size = field(0x200, defaults.size);
      const sampleFlags = field(0x400, i === 0 && firstFlags !== undefined ? firstFlags : defaults.flags);
      if (field(0x800, 0) !== 0) {
        throw new Error('MP4: samples with composition offsets (B frames) are not supported');
      }
      if (pos > trun.end || dataAt + size > file.length) {
        throw new Error('MP4: a trun runs past its box or past the file');
      }
      samples.push({ data: file.subarray(dataAt, dataAt + size), duration, sync: !(sampleFlags & NON_SYNC) });
      dataAt += size;
    }
  }
  return dataAt;
}
