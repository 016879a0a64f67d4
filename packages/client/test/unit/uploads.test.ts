import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  BASE64_UPLOAD_MAX_BYTES,
  BadRequestError,
  KlingAbortError,
  type UploadedFile,
} from '../../src/index';
import {
  API_KEY,
  callAt,
  client,
  type FakeFetch,
  failure,
  HANG,
  json,
  ok,
  rejection,
  scripted,
  UPLOAD_BASE_URL,
  useFakeClock,
} from './fake-fetch';

const STORED: UploadedFile = {
  fileName: 'first-frame.png',
  filePath: 'kling-kit/first-frame.png',
  downloadUrl: 'https://tempfile.redpandaai.co/xxx/kling-kit/first-frame.png',
  fileSize: 3,
  mimeType: 'image/png',
  uploadedAt: '2025-01-01T12:00:00.000Z',
};

afterEach(() => {
  vi.useRealTimers();
});

/** The upload server's success envelope. */
const uploaded = () => json({ success: true, code: 200, msg: 'File uploaded successfully', data: STORED });

/** The multipart fields of call `index`, and its `file` part. */
async function multipart(fake: FakeFetch, index = 0): Promise<{ form: FormData; file: File }> {
  const form = await callAt(fake, index).request.formData();
  const file = form.get('file');
  if (!(file instanceof File)) {
    throw new Error('The multipart body has no file part');
  }
  return { form, file };
}

const bytes = (size: number) => Uint8Array.from({ length: size }, (_, index) => (index * 31 + 7) % 256);

describe('uploadFile', () => {
  it('sends a public URL to the URL upload', async () => {
    const fake = scripted(uploaded());
    const result = await client(fake).uploadFile('https://example.com/cat.png');

    expect(result).toEqual(STORED);
    const [call] = fake.calls;
    expect(fake.calls).toHaveLength(1);
    expect(call?.method).toBe('POST');
    expect(call?.url.href).toBe(`${UPLOAD_BASE_URL}/api/file-url-upload`);
    expect(call?.request.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(call?.request.headers.get('content-type')).toBe('application/json');
    expect(await call?.request.json()).toEqual({
      fileUrl: 'https://example.com/cat.png',
      uploadPath: 'kling-kit',
    });
  });

  it('passes uploadPath and fileName', async () => {
    const fake = scripted(uploaded());
    await client(fake).uploadFile('https://example.com/cat.png', {
      uploadPath: 'images/in',
      fileName: 'cat.png',
    });
    expect(await fake.calls[0]?.request.json()).toEqual({
      fileUrl: 'https://example.com/cat.png',
      uploadPath: 'images/in',
      fileName: 'cat.png',
    });
  });

  it('sends a data URL to the base64 upload as is', async () => {
    const fake = scripted(uploaded());
    const dataUrl = 'data:image/png;base64,iVBORw0KGgo=';
    await expect(client(fake).uploadFile(dataUrl)).resolves.toEqual(STORED);
    expect(fake.calls[0]?.url.href).toBe(`${UPLOAD_BASE_URL}/api/file-base64-upload`);
    expect(await fake.calls[0]?.request.json()).toEqual({ base64Data: dataUrl, uploadPath: 'kling-kit' });
  });

  it('sends a data URL to the URL upload when told to', async () => {
    const fake = scripted(uploaded());
    await client(fake).uploadFile('data:image/png;base64,AAAA', { via: 'url' });
    expect(fake.calls[0]?.url.pathname).toBe('/api/file-url-upload');
  });

  it.each([
    [
      'a Uint8Array with mimeType',
      Uint8Array.of(1, 2, 3),
      { mimeType: 'image/png' },
      'data:image/png;base64,AQID',
    ],
    [
      'a Uint8Array without mimeType',
      Uint8Array.of(1, 2, 3),
      {},
      'data:application/octet-stream;base64,AQID',
    ],
    [
      'an ArrayBuffer',
      Uint8Array.of(1, 2, 3).buffer,
      { mimeType: 'image/webp' },
      'data:image/webp;base64,AQID',
    ],
    [
      'a typed view into a larger buffer',
      Uint8Array.of(9, 1, 2, 3, 9).subarray(1, 4),
      {},
      'data:application/octet-stream;base64,AQID',
    ],
    [
      'a Blob with a type',
      new Blob([Uint8Array.of(1, 2, 3)], { type: 'image/jpeg' }),
      {},
      'data:image/jpeg;base64,AQID',
    ],
    ['an empty Uint8Array', new Uint8Array(0), { mimeType: 'image/png' }, 'data:image/png;base64,'],
  ])('sends %s to the base64 upload as a data URL', async (_title, source, options, base64Data) => {
    const fake = scripted(uploaded());
    await expect(client(fake).uploadFile(source, { ...options, fileName: 'a.bin' })).resolves.toEqual(STORED);
    expect(fake.calls[0]?.url.href).toBe(`${UPLOAD_BASE_URL}/api/file-base64-upload`);
    expect(await fake.calls[0]?.request.json()).toEqual({
      base64Data,
      uploadPath: 'kling-kit',
      fileName: 'a.bin',
    });
  });

  it('encodes up to BASE64_UPLOAD_MAX_BYTES as base64, byte for byte', async () => {
    const source = bytes(BASE64_UPLOAD_MAX_BYTES);
    const fake = scripted(uploaded());
    await client(fake).uploadFile(source, { mimeType: 'image/png' });
    expect(fake.calls[0]?.url.pathname).toBe('/api/file-base64-upload');
    const { base64Data } = (await callAt(fake, 0).request.json()) as { base64Data: string };
    expect(base64Data.startsWith('data:image/png;base64,')).toBe(true);
    const decoded = Buffer.from(base64Data.slice('data:image/png;base64,'.length), 'base64');
    expect(decoded.equals(Buffer.from(source))).toBe(true);
  });

  it('sends a Blob above BASE64_UPLOAD_MAX_BYTES as multipart to the stream upload', async () => {
    const content = bytes(BASE64_UPLOAD_MAX_BYTES + 1);
    const blob = new Blob([content], { type: 'image/png' });
    const fake = scripted(uploaded());
    const result = await client(fake).uploadFile(blob, { fileName: 'big.png', uploadPath: 'frames' });

    expect(result).toEqual(STORED);
    const [call] = fake.calls;
    expect(call?.url.href).toBe(`${UPLOAD_BASE_URL}/api/file-stream-upload`);
    expect(call?.request.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(call?.request.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const { form, file } = await multipart(fake);
    expect(file.name).toBe('big.png');
    expect(file.size).toBe(content.length);
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(content))).toBe(true);
    expect(form.get('uploadPath')).toBe('frames');
    expect(form.get('fileName')).toBe('big.png');
  });

  it('names a multipart file "upload" and sends no fileName when none is given', async () => {
    const fake = scripted(uploaded());
    await client(fake).uploadFile(bytes(BASE64_UPLOAD_MAX_BYTES + 10));
    const { form, file } = await multipart(fake);
    expect(file.name).toBe('upload');
    expect(form.get('uploadPath')).toBe('kling-kit');
    expect(form.has('fileName')).toBe(false);
  });

  it('sends small bytes as multipart when told to', async () => {
    const fake = scripted(uploaded());
    await client(fake).uploadFile(Uint8Array.of(1, 2, 3), { via: 'stream', fileName: 'tiny.png' });
    expect(fake.calls[0]?.url.pathname).toBe('/api/file-stream-upload');
    expect((await multipart(fake)).file.size).toBe(3);
  });

  it('sends the multipart body again on a retry', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const fake = scripted(failure(500, { status: 500 }), uploaded());
    await expect(
      client(fake).uploadFile(bytes(BASE64_UPLOAD_MAX_BYTES + 1), { fileName: 'big.png' }),
    ).resolves.toEqual(STORED);
    expect(fake.calls).toHaveLength(2);
    expect((await multipart(fake, 1)).file.size).toBe(BASE64_UPLOAD_MAX_BYTES + 1);
  });

  it('only talks to the upload host', async () => {
    const fake = scripted(uploaded());
    const kling = client(fake);
    await kling.uploadFile('https://example.com/a.png');
    await kling.uploadFile('data:image/png;base64,AAAA');
    await kling.uploadFile(Uint8Array.of(1));
    await kling.uploadFile(bytes(BASE64_UPLOAD_MAX_BYTES + 1));
    expect(fake.calls.map((call) => call.url.origin)).toEqual(Array(4).fill(UPLOAD_BASE_URL));
  });

  it.each([401, 200])(
    'maps {success:false, code:401} with HTTP %i to AuthenticationError',
    async (status) => {
      const fake = scripted(
        json({ success: false, code: 401, msg: 'Authentication failed: Invalid API Key' }, status),
      );
      const error = await rejection(client(fake).uploadFile('https://example.com/a.png'));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({
        code: 401,
        status,
        msg: 'Authentication failed: Invalid API Key',
        request: 'POST /api/file-url-upload',
      });
      expect(fake.calls).toHaveLength(1);
    },
  );

  it('maps a 400 from the upload server to BadRequestError', async () => {
    const fake = scripted(
      json({ success: false, code: 400, msg: 'Base64 decoding failed: Invalid Base64 format' }, 400),
    );
    await expect(client(fake).uploadFile('data:image/png;base64,@@@')).rejects.toBeInstanceOf(
      BadRequestError,
    );
  });

  it('returns data of a plain kie.ai envelope too', async () => {
    await expect(client(scripted(ok(STORED))).uploadFile('https://example.com/a.png')).resolves.toEqual(
      STORED,
    );
  });

  it('honours the signal', async () => {
    useFakeClock();
    const fake = scripted(HANG);
    const controller = new AbortController();
    const pending = rejection(
      client(fake).uploadFile('https://example.com/a.png', { signal: controller.signal }),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(fake.calls).toHaveLength(1); // in flight
    controller.abort();
    expect(await pending).toBeInstanceOf(KlingAbortError);
    expect(fake.calls[0]?.request.signal.aborted).toBe(true);
  });
});
