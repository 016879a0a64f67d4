/** kie.ai's two servers, read from the spec: the API server and the upload server. */
import { API_SERVER_URL, UPLOAD_PATHS, UPLOAD_SERVER_URL } from './generated/servers';

export { API_SERVER_URL, UPLOAD_PATHS, UPLOAD_SERVER_URL };

/** Whether kie.ai answers `path` (e.g. `/api/file-base64-upload`) on its upload server. */
export function isUploadPath(path: string): boolean {
  return (UPLOAD_PATHS as readonly string[]).includes(path);
}
