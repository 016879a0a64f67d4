/**
 * Uploads to kie.ai's upload server, choosing the endpoint by input: a public http(s) URL goes to
 * the URL upload, a `data:` URL and small binaries (≤ 1 MB) to the base64 upload (one JSON request),
 * larger binaries to the multipart stream upload (no 33 % base64 overhead).
 */
import type { Base64UploadRequest, FileUploadResult, UrlUploadRequest } from '@kling-kit/contract';

/** What `uploadFile` accepts: bytes, a `Blob`/`File`, a public URL, or a `data:` URL. */
export type UploadSource = Blob | ArrayBuffer | Uint8Array | string;

export interface UploadOptions {
  /** Folder on kie.ai, without leading or trailing slashes. @default 'kling-kit' */
  uploadPath?: string;
  /** Name to store under (the same name overwrites). @default a random name */
  fileName?: string;
  /** Media type of raw bytes, e.g. 'image/png'. @default the Blob's type, or application/octet-stream */
  mimeType?: string;
  /** Forces an endpoint. */
  via?: 'stream' | 'base64' | 'url';
  signal?: AbortSignal;
}

/** The stored file; pass `downloadUrl` as `image_url`. */
export type UploadedFile = FileUploadResult;

/** Binaries up to this size go as base64 JSON, larger ones as multipart. */
export const BASE64_UPLOAD_MAX_BYTES = 1024 * 1024;

export type UploadPlan =
  | { via: 'url'; body: UrlUploadRequest }
  | { via: 'base64'; body: Base64UploadRequest }
  | { via: 'stream'; body: FormData };

/** The upload endpoints' paths are `/api/file-<via>-upload`. */
export type UploadVia = UploadPlan['via'];

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decides the endpoint and builds its body. */
export async function planUpload(source: UploadSource, options: UploadOptions = {}): Promise<UploadPlan> {
  const uploadPath = options.uploadPath ?? 'kling-kit';
  const named = options.fileName ? { fileName: options.fileName } : {};
  if (typeof source === 'string') {
    if (/^data:/i.test(source) && options.via !== 'url') {
      return { via: 'base64', body: { base64Data: source, uploadPath, ...named } };
    }
    return { via: 'url', body: { fileUrl: source, uploadPath, ...named } };
  }
  const blob =
    source instanceof Blob
      ? source
      : new Blob([source instanceof Uint8Array ? new Uint8Array(source) : source], {
          type: options.mimeType ?? '',
        });
  const via = options.via ?? (blob.size <= BASE64_UPLOAD_MAX_BYTES ? 'base64' : 'stream');
  if (via === 'base64') {
    const type = options.mimeType ?? (blob.type || 'application/octet-stream');
    const base64Data = `data:${type};base64,${toBase64(new Uint8Array(await blob.arrayBuffer()))}`;
    return { via, body: { base64Data, uploadPath, ...named } };
  }
  const form = new FormData();
  form.set('file', blob, options.fileName ?? 'upload');
  form.set('uploadPath', uploadPath);
  if (options.fileName) {
    form.set('fileName', options.fileName);
  }
  return { via: 'stream', body: form };
}
