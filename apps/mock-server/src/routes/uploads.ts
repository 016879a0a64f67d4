/**
 * kie.ai's upload API (its own server on kie.ai, the same port here): multipart stream, base64 and
 * URL uploads. `uploadPath` is required, `fileName` optional (a random one is made; the same name
 * overwrites). Files are checked as images (type and size from the spec) and served back.
 */

import { pipeline } from 'node:stream';
import {
  formatIssues,
  URL_UPLOAD_TIMEOUT_MS,
  type ValidationIssue,
  validateBase64UploadRequest,
  validateSchema,
  validateUrlUploadRequest,
} from '@kling-kit/contract';
import Busboy from 'busboy';
import type { Express, Request, Response } from 'express';
import { sendUploadEnvelope } from '../http/envelope';
import { jsonBody } from '../http/json-body';
import { operationSteps } from '../http/operation';
import { type StoredFile, UploadStoreFullError } from '../state/files';
import { checkImage, extensionOf, MAX_IMAGE_BYTES } from '../state/images';
import type { MockState } from '../state/mock-state';
import { type GuardedResponse, guardedGet } from '../state/outbound';

const LONE_SURROGATE = /\p{Cs}/u;
const BASE64_BODY_LIMIT = Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 64 * 1024;

/** kie.ai's wording: `Missing required parameter: uploadPath`, else the field and the rule. */
function describeProblem(issues: readonly ValidationIssue[]): string {
  const missing = issues.find((issue) => issue.keyword === 'required');
  return missing
    ? `Missing required parameter: ${missing.path}`
    : `Invalid parameters: ${formatIssues(issues)}`;
}

function store(
  state: MockState,
  res: Response,
  bytes: Buffer,
  uploadPath: string,
  fileName: string | undefined,
) {
  // JSON can carry lone surrogates (`"\ud800"`), which no URL or file name can hold.
  const broken = [uploadPath, fileName].find((text) => text !== undefined && LONE_SURROGATE.test(text));
  if (broken !== undefined) {
    sendUploadEnvelope(res, 400, {
      msg: `Invalid parameters: ${broken === uploadPath ? 'uploadPath' : 'fileName'}: must be valid Unicode text`,
    });
    return;
  }
  const image = checkImage(bytes);
  if ('code' in image) {
    sendUploadEnvelope(res, image.code, { msg: image.msg });
    return;
  }
  const name = fileName ?? `${state.random.hex(16)}.${extensionOf(image.mimeType)}`;
  const filePath = `${uploadPath}/${name}`;
  let file: StoredFile;
  try {
    file = state.files.put(filePath, bytes, image.mimeType, state.settings.uploadTtlMs);
  } catch (error) {
    if (!(error instanceof UploadStoreFullError)) {
      throw error;
    }
    sendUploadEnvelope(res, 413, {
      msg: `${error.message}: wait for uploads to expire, POST /__admin/reset, or raise --upload-store-mb`,
    });
    return;
  }
  sendUploadEnvelope(res, 200, {
    msg: 'File uploaded successfully',
    data: {
      fileName: name,
      filePath,
      downloadUrl: `${state.settings.publicUrl}/files/uploads/${filePath.split('/').map(encodeURIComponent).join('/')}`,
      fileSize: bytes.length,
      mimeType: image.mimeType,
      uploadedAt: new Date(file.uploadedAt).toISOString(),
    },
  });
}

/** Reads a download's body up to `limit` bytes; undefined (and the connection closed) past it. */
async function readLimited(download: GuardedResponse, limit: number): Promise<Buffer | undefined> {
  const { body, contentLength } = download;
  if (contentLength !== undefined && contentLength > limit) {
    body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function streamUpload(state: MockState) {
  return (req: Request, res: Response) => {
    if (!req.is('multipart/form-data')) {
      sendUploadEnvelope(res, 400, { msg: 'Content-Type must be multipart/form-data' });
      return;
    }
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: req.headers,
        limits: { fileSize: MAX_IMAGE_BYTES + 1, files: 1, fields: 10 },
      });
    } catch {
      sendUploadEnvelope(res, 400, { msg: 'Malformed multipart body' });
      return;
    }
    const fields: Record<string, string> = {};
    let file: Buffer | undefined;
    let truncated = false;
    busboy.on('field', (name, value) => {
      fields[name] = value;
    });
    busboy.on('file', (name, stream) => {
      // A part cut off before its boundary errors its stream; busboy reports it on itself too.
      stream.on('error', () => {});
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (name === 'file') {
          chunks.push(chunk);
        }
      });
      stream.on('limit', () => {
        truncated = true;
      });
      stream.on('end', () => {
        if (name === 'file') {
          file = Buffer.concat(chunks);
        }
      });
    });
    busboy.on('error', () => {
      if (!res.headersSent) {
        sendUploadEnvelope(res, 400, { msg: 'Malformed multipart body' });
      }
    });
    busboy.on('close', () => {
      if (res.headersSent) {
        return;
      }
      const checked = validateSchema('StreamUploadRequest', {
        ...fields,
        ...(file ? { file: 'binary' } : {}),
      });
      if (!checked.ok) {
        sendUploadEnvelope(res, 400, { msg: describeProblem(checked.issues) });
        return;
      }
      if (truncated) {
        sendUploadEnvelope(res, 413, { msg: `File too large (the limit is ${MAX_IMAGE_BYTES} bytes)` });
        return;
      }
      store(state, res, file as Buffer, fields.uploadPath as string, fields.fileName);
    });
    // pipeline: an error on either side (client gone, malformed body) ends both, never the process.
    pipeline(req, busboy, (error) => {
      if (error && !res.headersSent) {
        sendUploadEnvelope(res, 400, { msg: 'Malformed multipart body' });
      }
    });
  };
}

export function uploadRoutes(app: Express, state: MockState): void {
  app.post('/api/file-stream-upload', operationSteps(state, 'uploadFileStream'), streamUpload(state));

  app.post(
    '/api/file-base64-upload',
    operationSteps(state, 'uploadFileBase64'),
    jsonBody(state, 'uploadFileBase64', BASE64_BODY_LIMIT),
    (req, res) => {
      const result = validateBase64UploadRequest(req.body);
      if (!result.ok) {
        sendUploadEnvelope(res, 400, { msg: describeProblem(result.issues) });
        return;
      }
      const { base64Data, uploadPath, fileName } = result.value;
      const data = base64Data.replace(/^data:[^;,]+;base64,/, '').replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 === 1) {
        sendUploadEnvelope(res, 400, { msg: 'Base64 decoding failed: Invalid Base64 format' });
        return;
      }
      store(state, res, Buffer.from(data, 'base64'), uploadPath, fileName);
    },
  );

  app.post(
    '/api/file-url-upload',
    operationSteps(state, 'uploadFileFromUrl'),
    jsonBody(state, 'uploadFileFromUrl', 64 * 1024),
    async (req, res) => {
      const result = validateUrlUploadRequest(req.body);
      if (!result.ok) {
        sendUploadEnvelope(res, 400, { msg: describeProblem(result.issues) });
        return;
      }
      const { fileUrl, uploadPath, fileName } = result.value;
      let bytes: Buffer | undefined;
      try {
        const download = await guardedGet(new URL(fileUrl), {
          rule: state.settings.fetchRule,
          signal: AbortSignal.timeout(URL_UPLOAD_TIMEOUT_MS),
        });
        bytes = await readLimited(download, MAX_IMAGE_BYTES);
      } catch {
        // One message for every network failure: refused address, closed port, timeout, HTTP error,
        // so the answer never maps which addresses or ports exist.
        sendUploadEnvelope(res, 400, {
          msg: state.settings.allowExternalFetch
            ? 'Could not download the file from fileUrl'
            : 'Could not download the file from fileUrl (the mock fetches loopback URLs only; start it with --allow-external-fetch to fetch others)',
        });
        return;
      }
      if (!bytes) {
        sendUploadEnvelope(res, 413, { msg: `File too large (the limit is ${MAX_IMAGE_BYTES} bytes)` });
        return;
      }
      store(state, res, bytes, uploadPath, fileName);
    },
  );
}
