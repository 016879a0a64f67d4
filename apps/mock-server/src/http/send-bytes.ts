/** Serves bytes with HTTP Range support (a single range, 206/416), as video players need to seek. */
import type { Request, Response } from 'express';

/** Parses `bytes=a-b`, `bytes=a-` or `bytes=-n` against a size; null when unsatisfiable. */
export function parseRange(header: string, size: number): { start: number; end: number } | null | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) {
    return undefined;
  }
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : null;
}

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
  const rangeHeader = req.headers.range;
  const range = rangeHeader ? parseRange(rangeHeader, bytes.length) : undefined;
  if (range === null) {
    res.setHeader('Content-Range', `bytes */${bytes.length}`);
    res.status(416).end();
    return;
  }
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
