/**
 * Files served back: `/files/results/<taskId>.mp4` (the result video of a successful task, an MP4
 * of the length, aspect ratio and sound its request asked for) and
 * `/files/uploads/<uploadPath>/<fileName>` (uploads). A download-url link adds `expires` and
 * `token`; an expired or forged link answers 403.
 */
import type { Express } from 'express';
import { sendBytes } from '../http/send-bytes';
import type { StoredFile } from '../state/files';
import type { MockState } from '../state/mock-state';
import { resultVideo } from '../state/result-video';

/** The file behind a `/files/...` path, if the mock serves it. */
export function lookupFile(
  state: MockState,
  path: string,
): Pick<StoredFile, 'bytes' | 'mimeType'> | undefined {
  const result = /^results\/([0-9a-f]{32})\.mp4$/.exec(path);
  if (result) {
    const task = state.tasks.get(result[1] as string);
    if (task && state.tasks.stateOf(task) === 'success') {
      // Built on demand: the requested length, frame shape and sound (see result-video.ts).
      return { bytes: resultVideo(task.video), mimeType: 'video/mp4' };
    }
    return undefined;
  }
  return path.startsWith('uploads/') ? state.files.get(path.slice('uploads/'.length)) : undefined;
}

export function fileRoutes(app: Express, state: MockState): void {
  const serve = (path: string, query: Record<string, unknown>) => {
    const { expires, token } = query;
    if (expires !== undefined || token !== undefined) {
      const verdict = state.files.checkLink(path, String(expires ?? ''), String(token ?? ''));
      if (verdict !== 'valid') {
        return {
          status: 403,
          message: verdict === 'expired' ? 'This download link has expired' : 'Invalid download link',
        };
      }
    }
    const file = lookupFile(state, path);
    return file ? { file } : { status: 404, message: 'File not found' };
  };

  app.get('/files/*path', (req, res) => {
    const segments = (req.params as { path: string[] }).path;
    const found = serve(segments.join('/'), req.query);
    if ('file' in found && found.file) {
      sendBytes(req, res, found.file.bytes, found.file.mimeType);
      return;
    }
    res
      .status(found.status ?? 404)
      .type('text/plain')
      .send(found.message);
  });
}
