/**
 * Local files given where a model wants a URL: checked first (there, a file, within the input's size
 * limit, of a type it accepts, all read from the spec), then uploaded through kie.ai's stream upload
 * from a file-backed Blob, so a file of any size is sent without being read into memory.
 */
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { KlingClient } from '@kling-kit/client';
import { usageError } from './errors';
import { bytes } from './format';
import type { FileSlot } from './request';

/** Media types by file extension, for the upload's Content-Type and the first check. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.aac': 'audio/aac',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
};

/** The media type a file name says, if the extension is a known one. */
export const mediaTypeOf = (path: string): string | undefined => MEDIA_TYPES[extname(path).toLowerCase()];

/** One local file to upload, with every place of the input it goes to. */
export interface LocalFile {
  /** Absolute path. */
  readonly path: string;
  /** As the user wrote it. */
  readonly given: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly mediaType?: string;
  readonly slots: readonly FileSlot[];
}

/** Checks every local file of a request; throws one usage error listing every problem. */
export async function checkLocalFiles(slots: readonly FileSlot[], cwd: string): Promise<LocalFile[]> {
  const byPath = new Map<string, FileSlot[]>();
  for (const slot of slots) {
    const path = resolve(cwd, slot.given);
    byPath.set(path, [...(byPath.get(path) ?? []), slot]);
  }
  const problems: string[] = [];
  const files: LocalFile[] = [];
  for (const [path, fileSlots] of byPath) {
    const [first] = fileSlots as [FileSlot];
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      problems.push(`${first.label}: ${first.given}: ${info ? 'not a file' : 'no such file'}`);
      continue;
    }
    const mediaType = mediaTypeOf(path);
    for (const slot of fileSlots) {
      const maxBytes = slot.schema['x-max-file-bytes'];
      const accepted = slot.schema['x-accepted-media-types'];
      if (typeof maxBytes === 'number' && info.size > maxBytes) {
        problems.push(
          `${slot.label}: ${slot.given} is ${bytes(info.size)}; it takes at most ${bytes(maxBytes)}`,
        );
      }
      if (mediaType && Array.isArray(accepted) && !accepted.includes(mediaType)) {
        problems.push(`${slot.label}: ${slot.given} is ${mediaType}; it takes ${accepted.join(', ')}`);
      }
    }
    files.push({
      path,
      given: first.given,
      size: info.size,
      mtimeMs: info.mtimeMs,
      ...(mediaType ? { mediaType } : {}),
      slots: fileSlots,
    });
  }
  if (problems.length > 0) {
    throw usageError(`a local file cannot be used:\n  ${problems.join('\n  ')}`);
  }
  return files;
}

/** Uploads a local file with kie.ai's stream upload; resolves with its download URL. */
export async function uploadLocalFile(
  client: KlingClient,
  file: LocalFile,
  signal?: AbortSignal,
): Promise<string> {
  const blob = await openAsBlob(file.path, file.mediaType ? { type: file.mediaType } : {});
  const uploaded = await client.uploadFile(blob, {
    via: 'stream',
    uploadPath: 'kling-cli',
    ...(file.mediaType ? { mimeType: file.mediaType } : {}),
    ...(signal ? { signal } : {}),
  });
  return uploaded.downloadUrl;
}
