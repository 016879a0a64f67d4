/**
 * ISO BMFF (MP4) boxes, the little the result videos need: finding boxes in a buffer and writing
 * new ones (32-bit sizes only: the mock's files are far below 4 GB).
 */

/** Where one box lies in its buffer. */
export interface BoxRef {
  readonly type: string;
  readonly start: number;
  /** Where the box's body begins (after the size, the type and any 64-bit size). */
  readonly body: number;
  readonly end: number;
}

/** The boxes laid end to end in `bytes[start, end)`; throws on a truncated or malformed box. */
export function childBoxes(bytes: Buffer, start = 0, end = bytes.length): BoxRef[] {
  const boxes: BoxRef[] = [];
  for (let offset = start; offset < end; ) {
    if (end - offset < 8) {
      throw new Error(`MP4: truncated box header at byte ${offset}`);
    }
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    let size = bytes.readUInt32BE(offset);
    let header = 8;
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end) {
      throw new Error(`MP4: malformed '${type}' box at byte ${offset}`);
    }
    boxes.push({ type, start: offset, body: offset + header, end: offset + size });
    offset += size;
  }
  return boxes;
}

/** The children of a container box. */
export const childrenOf = (bytes: Buffer, parent: BoxRef): BoxRef[] =>
  childBoxes(bytes, parent.body, parent.end);

/** The first box along `path` (e.g. `['moov', 'trak', 'mdia']`) below `parent` (or at top level). */
export function findBox(bytes: Buffer, path: readonly string[], parent?: BoxRef): BoxRef | undefined {
  let found = parent;
  for (const type of path) {
    const level = found ? childrenOf(bytes, found) : childBoxes(bytes);
    found = level.find((box) => box.type === type);
    if (!found) {
      return undefined;
    }
  }
  return found;
}

/** Like `findBox`, but throws when the box is missing. */
export function requireBox(bytes: Buffer, path: readonly string[], parent?: BoxRef): BoxRef {
  const found = findBox(bytes, path, parent);
  if (!found) {
    throw new Error(`MP4: no ${[parent?.type, ...path].filter(Boolean).join('/')} box`);
  }
  return found;
}

/** Big-endian unsigned 32-bit integers. */
export function u32(...values: readonly number[]): Buffer {
  const bytes = Buffer.alloc(4 * values.length);
  values.forEach((value, i) => {
    bytes.writeUInt32BE(value, 4 * i);
  });
  return bytes;
}

/** A box of `type` whose body is `body` concatenated. */
export function box(type: string, ...body: readonly Buffer[]): Buffer {
  const size = body.reduce((sum, part) => sum + part.length, 8);
  return Buffer.concat([u32(size), Buffer.from(type, 'latin1'), ...body], size);
}

/** A full box: version and 24-bit flags, then `body`. */
export const fullBox = (type: string, version: number, flags: number, ...body: readonly Buffer[]): Buffer =>
  box(type, u32(((version & 0xff) << 24) | (flags & 0xffffff)), ...body);

/**
 * A copy of the container box `container` (its whole bytes) with each child replaced by what `map`
 * returns for it (`undefined` drops it).
 */
export function mapChildren(
  container: Buffer,
  map: (child: Buffer, type: string) => Buffer | undefined,
): Buffer {
  const [self] = childBoxes(container);
  if (!self || self.end !== container.length) {
    throw new Error('MP4: mapChildren expects exactly one box');
  }
  const children = childrenOf(container, self).flatMap((child) => {
    const mapped = map(container.subarray(child.start, child.end), child.type);
    return mapped ? [mapped] : [];
  });
  return box(self.type, ...children);
}
