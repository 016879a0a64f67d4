/**
 * Serves bytes with HTTP Range support, as video players need to seek. A `bytes=` Range header is
 * read by Express's own `req.range()` (range-parser, what `express.static` uses), overlapping and
 * adjacent ranges combined; the answers are those of `express.static`:
 * - one satisfiable range: 206 with `Content-Range: bytes a-b/size`;
 * - no satisfiable range (`bytes=size-`, `bytes=-0`, and, as range-parser reads it, a suffix longer
 *   than the file): 416 with a `Content-Range` that gives only the size;
 * - several disjoint ranges, a malformed header or another unit: the Range is ignored and the whole
 *   file is sent with 200 (no multipart/byteranges answers).
 * HEAD answers the same status and headers without the body.
 */
import type { Request, Response } from 'express';

const BYTES_RANGE = /^ *bytes=/;

/** Sends `bytes` as `mimeType`, honouring `Range` and `HEAD`. */
export function sendBytes(
  req: Request,
  res: Response,
  bytes: Buffer,
  mimeType: string,
  maxAgeSec = 3600,
): void {
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', mimeType);
  res.setHeader('Cache-Control', `private, max-age=${maxAgeSec}`);
  // Only `bytes` ranges are read, with the same test as express.static (another unit is ignored).
  const ranges = BYTES_RANGE.test(req.get('Range') ?? '')
    ? req.range(bytes.length, { combine: true })
    : undefined;
  if (ranges === -1) {
    res.setHeader('Content-Range', `bytes */${bytes.length}`);
    res.status(416).end();
    return;
  }
  const range = Array.isArray(ranges) && ranges.length === 1 ? ranges[0] : undefined;
  const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  if (range) {
    res.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${bytes.length}`);
  }
  res.setHeader('Content-Length', String(body.length));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.end(body);
}
