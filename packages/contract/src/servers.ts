/** kie.ai's two servers, read from the spec: the API server and the upload server. */
import { API_SERVER_URL, OPERATIONS, UPLOAD_PATHS, UPLOAD_SERVER_URL } from './generated/servers';

export { API_SERVER_URL, OPERATIONS, UPLOAD_PATHS, UPLOAD_SERVER_URL };

/** An operation of the spec (`createTask`, `getTaskRecord`, …). */
export type Operation = (typeof OPERATIONS)[number];
/** The id of an operation of the spec. */
export type OperationId = Operation['operationId'];

/** The operation answering `method` on `path` (exact path, no query), or undefined. */
export function findOperation(method: string, path: string): Operation | undefined {
  const upper = method.toUpperCase();
  return OPERATIONS.find((operation) => operation.method === upper && operation.path === path);
}

/** Whether kie.ai answers `path` (e.g. `/api/file-base64-upload`) on its upload server. */
export function isUploadPath(path: string): boolean {
  return (UPLOAD_PATHS as readonly string[]).includes(path);
}
