/** Serves the files under a folder (argv[2]) with their length, for the CLI's download benchmark (its own process). */
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import { join, normalize } from 'node:path';

const root = process.argv[2];
const server = http.createServer((req, res) => {
  const path = join(root, normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  let size;
  try {
    const info = statSync(path);
    if (!info.isFile()) {
      throw new Error('not a file');
    }
    size = info.size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size });
  createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(res);
});
server.listen(0, '127.0.0.1', () => {
  console.info(`file server listening on http://127.0.0.1:${server.address().port}`);
});
