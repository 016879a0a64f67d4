/**
 * A tiny MP4 reader for the family tests: the movie's duration (`mvhd`) and each track's handler
 * (`hdlr`) and frame size (`tkhd`). Independent of the writer in src/ and of result-video.test.ts.
 */

interface Box {
  type: string;
  /** Where the box's payload starts (after its header). */
  body: number;
  end: number;
}

function boxesIn(bytes: Buffer, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    let size = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) {
      throw new Error(`MP4: box ${JSON.stringify(type)} at ${at} does not fit (size ${size})`);
    }
    boxes.push({ type, body: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

function only(bytes: Buffer, parent: Box | undefined, type: string): Box {
  const found = boxesIn(bytes, parent?.body ?? 0, parent?.end ?? bytes.length).filter(
    (box) => box.type === type,
  );
  if (found.length !== 1) {
    throw new Error(`MP4: expected one ${type} box, found ${found.length}`);
  }
  return found[0] as Box;
}

/** What the family tests check of a result video. */
export interface Mp4Probe {
  /** The file's brand (`ftyp` major brand). */
  brand: string;
  /** `mvhd` duration / timescale. */
  seconds: number;
  tracks: { handler: string; width: number; height: number }[];
}

/** Reads an MP4's `ftyp`, `mvhd` and each track's `tkhd` and `hdlr`; throws when they are missing. */
export function probeMp4(bytes: Buffer): Mp4Probe {
  const top = boxesIn(bytes, 0, bytes.length);
  if (top[0]?.type !== 'ftyp') {
    throw new Error(`MP4: the first box is ${top[0]?.type ?? 'missing'}, not ftyp`);
  }
  const brand = bytes.toString('latin1', top[0].body, top[0].body + 4);
  const moov = only(bytes, undefined, 'moov');
  const mvhd = only(bytes, moov, 'mvhd');
  const version = bytes.readUInt8(mvhd.body);
  const timescale = bytes.readUInt32BE(mvhd.body + (version === 1 ? 20 : 12));
  const duration =
    version === 1 ? Number(bytes.readBigUInt64BE(mvhd.body + 24)) : bytes.readUInt32BE(mvhd.body + 16);
  const tracks = boxesIn(bytes, moov.body, moov.end)
    .filter((box) => box.type === 'trak')
    .map((trak) => {
      const tkhd = only(bytes, trak, 'tkhd');
      // width and height (16.16 fixed point) are the last 8 bytes of tkhd, in both versions.
      const width = bytes.readUInt32BE(tkhd.end - 8) / 65536;
      const height = bytes.readUInt32BE(tkhd.end - 4) / 65536;
      const hdlr = only(bytes, only(bytes, trak, 'mdia'), 'hdlr');
      return { handler: bytes.toString('latin1', hdlr.body + 8, hdlr.body + 12), width, height };
    });
  return { brand, seconds: duration / timescale, tracks };
}
