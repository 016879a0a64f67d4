/**
 * Files the mock serves: uploads (kept in memory until they expire) and result videos (real MP4s
 * built by result-video.ts). Also the temporary links of download-url, valid 20 minutes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MockClock } from './clock';

/** A file the mock can serve. */
export interface StoredFile {
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly uploadedAt: number;
  readonly expiresAt: number;
}

/** Thrown by `FileStore.put` when the upload would take the store past its byte cap. */
export class UploadStoreFullError extends Error {
  override name = 'UploadStoreFullError';
  constructor(readonly capBytes: number) {
    super(`The mock's upload store is full (it holds at most ${capBytes} bytes of live uploads)`);
  }
}

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private storedBytes = 0;

  constructor(
    private readonly clock: MockClock,
    private readonly secret: string,
    /** Bytes all live uploads may hold together. */
    private readonly capBytes: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Stores (or overwrites) an upload under `path` (`uploadPath/fileName`); throws UploadStoreFullError. */
  put(path: string, bytes: Buffer, mimeType: string, ttlMs: number): StoredFile {
    const now = this.clock.now();
    this.sweep(now);
    const replaced = this.files.get(path)?.bytes.length ?? 0;
    if (this.storedBytes - replaced + bytes.length > this.capBytes) {
      throw new UploadStoreFullError(this.capBytes);
    }
    const file = { bytes, mimeType, uploadedAt: now, expiresAt: now + ttlMs };
    this.delete(path);
    this.files.set(path, file);
    this.storedBytes += bytes.length;
    return file;
  }

  /** Bytes held by live uploads. */
  get bytes(): number {
    return this.storedBytes;
  }

  get(path: string): StoredFile | undefined {
    const file = this.files.get(path);
    if (file && file.expiresAt <= this.clock.now()) {
      this.delete(path);
      return undefined;
    }
    return file;
  }

  get size(): number {
    return this.files.size;
  }

  clear(): void {
    this.files.clear();
    this.storedBytes = 0;
  }

  private delete(path: string): void {
    const file = this.files.get(path);
    if (file) {
      this.files.delete(path);
      this.storedBytes -= file.bytes.length;
    }
  }

  /** A signature for a temporary download link of `path` expiring at `expires` (Unix seconds). */
  linkToken(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('base64url').slice(0, 32);
  }

  /** Whether a temporary link's token is genuine and not expired. */
  checkLink(path: string, expires: string, token: string): 'valid' | 'expired' | 'invalid' {
    const expected = Buffer.from(this.linkToken(path, Number(expires)));
    const given = Buffer.from(token);
    if (!/^\d+$/.test(expires) || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return 'invalid';
    }
    return Number(expires) * 1000 <= this.clock.now() ? 'expired' : 'valid';
  }

  private sweep(now: number): void {
    for (const [path, file] of this.files) {
      if (file.expiresAt <= now) {
        this.delete(path);
      }
    }
  }
}
