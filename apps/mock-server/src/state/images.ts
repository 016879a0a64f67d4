/** What the mock accepts as an input image, read from the spec's `ImageUrl` schema. */
import { jsonSchemaOf } from '@kling-kit/contract';

const imageUrlSchema = jsonSchemaOf('ImageUrl');

/** Largest accepted image, in bytes (`x-max-file-bytes`: 10 MB). */
export const MAX_IMAGE_BYTES = imageUrlSchema['x-max-file-bytes'] as number;
/** Accepted image types (`x-accepted-media-types`: JPEG, PNG, WebP). */
export const IMAGE_MEDIA_TYPES = imageUrlSchema['x-accepted-media-types'] as readonly string[];

/** The media type of image bytes from their signature, whatever the file claims to be. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'image/jpeg';
  }
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') {
    return 'image/png';
  }
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') {
    return 'image/webp';
  }
  return undefined;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** The usual file extension of an accepted image type. */
export const extensionOf = (mimeType: string): string => EXTENSIONS[mimeType] ?? 'bin';

/** Checks bytes are an accepted image within the size limit; returns the problem as an upload error. */
export function checkImage(bytes: Uint8Array): { mimeType: string } | { code: 400 | 413; msg: string } {
  if (bytes.length > MAX_IMAGE_BYTES) {
    return {
      code: 413,
      msg: `File too large: ${bytes.length} bytes (the limit is ${MAX_IMAGE_BYTES} bytes)`,
    };
  }
  if (bytes.length === 0) {
    return { code: 400, msg: 'The file is empty' };
  }
  const mimeType = sniffImageType(bytes);
  if (!mimeType || !IMAGE_MEDIA_TYPES.includes(mimeType)) {
    return { code: 400, msg: `Unsupported file type: upload an image (${IMAGE_MEDIA_TYPES.join(', ')})` };
  }
  return { mimeType };
}
