/**
 * Process-level fuzzing of the built `kling-mock` CLI. It spawns `node dist/cli.js` (with `--proxy` to a
 * fake upstream on loopback), then sends ~750 fast-check-generated requests over raw TCP, so they can
 * be cut short, lie about their length, half-close, or be malformed HTTP or multipart, at every route
 * family: the API, the upload API, /files, /proxy and /__admin (with scripted faults tied to "probe"
 * taskIds, so they never touch the other families), 8 at a time. Every answer is judged:
 * - no 5xx (unless `Prefer: code=5xx` asked for one), no stack trace, no echo of the bearer token,
 *   JSON from the API, the upload API, the proxy and the admin API;
 * - a request sent whole gets a final answer in time (never only a 1xx interim one);
 * - faulted requests may be slow, dropped, 5xx or not JSON, but the rest still holds.
 * At the end the same process (pid, uptime) still answers /healthz, and its stderr has no error line.
 * Deterministic: a fixed seed unless FUZZ_SEED is set. Needs the build (pnpm --filter
 * @kling-kit/mock-server build). Nothing leaves 127.0.0.1.
 */
import { OPERATIONS } from '@kling-kit/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_REQUEST } from './helpers';
import {
  closedPort,
  encodeRequest,
  type FakeUpstream,
  type Framing,
  isComplete,
  LOOPBACK,
  type MockProcess,
  runPool,
  sendRaw,
  spawnMock,
  startUpstream,
  type WireAnswer,
  type WireRequest,
} from './process-fuzz-helpers';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
/** Requests in flight at once. */
const CONCURRENCY = 8;
/** A request sent whole must be answered within this. */
const ANSWER_TIMEOUT_MS = 5_000;
/** An unfinished request is held open this long, then dropped. */
const HOLD_MS = 300;
/** After a half-close, how long to wait for whatever comes back. */
const HALF_CLOSE_WAIT_MS = 1_500;
/** Faulted requests may be delayed by their fault: they are given up after this. */
const FAULTED_TIMEOUT_MS = 1_500;
/** A V8 stack frame, with or without a function name. */
const STACK_FRAME = /at .*\(.*:\d+:\d+\)|\n\s+at \S+:\d+:\d+/;
/** What must not appear on the mock's stderr. */
const STDERR_ERROR =
  /uncaught|unhandled|TypeError|RangeError|ReferenceError|ERR_|at .*\(.*:\d+:\d+\)|kling-mock: .*failed|loopback-only|Warning/i;
/** taskIds the scripted faults are tied to, so they never touch the other families. */
const PROBE_IDS = ['probe-a', 'probe-b', 'probe-c'] as const;
/** The account of the requests that sweep the faults left at the end. */
const SWEEP_TOKEN = 'fz_sweep0123456789abcdef01';
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from('fuzz')]);

type Family = 'api' | 'uploads' | 'files' | 'proxy' | 'admin';

/** A generated request: the wire request plus what the oracle needs to know. */
interface FuzzRequest extends WireRequest {
  /** The bearer token sent, which must never come back. */
  token?: string;
  /** End the writing side right after the request. */
  halfClose: boolean;
  /** A scripted fault may shape the answer: slow, dropped, 5xx or not JSON are fine. */
  faulted?: boolean;
}

/** What the generators need to know about the running mock. */
interface Context {
  mockPort: number;
  upstreamPort: number;
  closedPort: number;
  /** What `GET /__playground` gives the page for `X-Kling-Proxy-Token` (none from a mock without it). */
  proxyToken: string | undefined;
  /** An upload that exists: `fuzz/known.png`. */
  knownUpload: string;
  /** A task forced to success: its result video exists. */
  taskId: string;
  /** A download-url link to the known upload: `/files/…?expires=…&token=…`. */
  downloadLink: string;
  /** Tasks created on the way (the admin family steers some of them). */
  taskIds: Set<string>;
}

// ---------------------------------------------------------------------------------------------------
// Small generators shared by the families.
// ---------------------------------------------------------------------------------------------------

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
/** Random bearer tokens: long and odd enough that an echo cannot be a coincidence. */
const token = hex(24).map((digits) => `fz_${digits}`);

/** An Authorization header: mostly a fresh bearer token, sometimes odd or missing. */
const authorization: fc.Arbitrary<{ token?: string; header?: string }> = fc.oneof(
  { weight: 8, arbitrary: token.map((value) => ({ token: value, header: `Bearer ${value}` })) },
  { weight: 1, arbitrary: token.map((value) => ({ token: value, header: `bEaReR \t${value}  ` })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(undefined, '', 'Bearer', 'Bearer  ', 'Basic Zm9vOmJhcg==', 'Bearer \u00ff\u00fe')
      .map((header) => (header === undefined ? {} : { header })),
  },
);

/** Strings that tend to break things: Unicode, control characters, traversal, lone surrogates, length. */
const oddText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '../../etc/passwd',
    'a/../../b',
    '%00',
    '\u0000',
    '\ud800',
    '__proto__',
    'constructor',
    '😀',
    'null',
    'a'.repeat(5_000),
  ),
);

/** Folder and file names: valid ones, traversal, separators, lone surrogates, limits (255). */
const oddName = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('fuzz', 'a.png', 'images/user-uploads') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\ud800.png',
      'a\udc00',
      '..',
      '.',
      ' ',
      'a\\b',
      'a/b',
      'a//b',
      '/a',
      'a/',
      '%2f',
      '%ff',
      '\u0000',
      '😀.png',
      'a'.repeat(255),
      'a'.repeat(256),
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
);

/** Every byte of the UTF-8 form percent-encoded except unreserved characters. */
const percentEncode = (text: string): string =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');

/** Strings for a URL: percent-encoded odd text, or raw odd escapes. */
const urlText = fc.oneof(
  { weight: 3, arbitrary: oddText.map(percentEncode) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('%ff', '%', '%zz', '%00', '%c0%ae', '%E0%A4%A', '+', '%2F', '%252f', '..%2f'),
  },
);

/** Numbers and near-numbers for fields that want a number. */
const oddNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 1000, 0.5, 1e308, -1e308, 2 ** 53 + 2, 1e-320, '12', '', null, true, [], {}),
  fc.double(),
  fc.integer(),
);

/** How the body goes on the wire: mostly whole, sometimes cut short or lying about its length. */
const framing: fc.Arbitrary<Framing> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('length' as const) },
  { weight: 2, arbitrary: fc.constant('chunked' as const) },
  { weight: 1, arbitrary: fc.constant('lying-length' as const) },
  { weight: 1, arbitrary: fc.constant('huge-length' as const) },
  { weight: 1, arbitrary: fc.constant('chunked-cut' as const) },
  { weight: 1, arbitrary: fc.constant('none' as const) },
);

/** Content types for JSON bodies: JSON in odd spellings and charsets, other types, none. */
const jsonContentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset="UTF-8"',
      'application/json; charset=utf-16le',
      'application/json; charset=utf-7',
      'application/json; charset=iso-8859-1',
      'application/json;charset',
      'APPLICATION/JSON ; CHARSET=UTF-8',
      'application/json, text/plain',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      ';',
    ),
  },
);

/** Headers a client might add, now and then one or two. */
const extraHeaders = fc.oneof(
  { weight: 3, arbitrary: fc.constant([]) },
  fc.subarray(
    [
      ['Expect', '100-continue'],
      ['Origin', 'http://evil.example'],
      ['Sec-Fetch-Site', 'cross-site'],
      ['Accept-Encoding', 'gzip, br'],
      ['Connection', 'close'],
      ['Content-Encoding', 'gzip'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['Cookie', 'a=b'],
    ] as const,
    { maxLength: 2 },
  ),
);
/** Mostly keep the connection open; sometimes end the writing side right after the request. */
const halfClose = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, fc.constant(true));

/** `Prefer: code=…` (Prism's convention, which the mock honours) on a few requests, odd codes included. */
const prefer = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'code=402',
      'code="429"',
      'code=100',
      'code=199',
      'code=000',
      'code=099',
      'code=600',
      'code=abc',
    ),
  },
);
const preferHeader = (value: string | undefined) => (value === undefined ? [] : [['Prefer', value] as const]);

/** JSON nested 65 to 10 000 levels deep, closed or not, alone or inside a createTask body. */
const deepJson = fc
  .tuple(fc.constantFrom(65, 1_000, 10_000), fc.constantFrom('[', '{"a":'), fc.boolean(), fc.boolean())
  .map(([depth, open, closed, wrapped]) => {
    const close = open === '[' ? ']' : '}';
    const deep = `${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}`;
    return wrapped ? `{"model":"kling/v2-1-pro","input":{"prompt":"x","extra":${deep}}}` : deep;
  });

/** JSON text that is not JSON: cut short, trailing junk, JavaScript-isms. */
const brokenJson = fc.oneof(
  fc.nat().map((cut) => {
    const text = JSON.stringify(SEED_REQUEST);
    return text.slice(0, cut % text.length);
  }),
  fc.constantFrom('{', '{"model":', '[1,', '{"a":1,}', "{'model':'x'}", 'NaN', '\uFEFF{}', '{"a":1e400}', ''),
);

/** A JSON body as bytes: a given value, any JSON, broken JSON or deep nesting. */
const jsonBytes = (value: fc.Arbitrary<unknown>) =>
  fc
    .oneof(
      { weight: 8, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: brokenJson },
      { weight: 1, arbitrary: deepJson },
    )
    .map((text) => Buffer.from(text, 'utf8'));

/** A request with a JSON body, an Authorization header and the usual odd extras. */
function jsonRequest(
  method: string,
  target: fc.Arbitrary<string>,
  body: fc.Arbitrary<unknown>,
): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target,
      auth: authorization,
      type: jsonContentType,
      extras: extraHeaders,
      prefer,
      body: jsonBytes(body),
      framing,
      halfClose,
    })
    .map(({ target, auth, type, extras, prefer, body, framing, halfClose }) => ({
      method,
      target,
      headers: [
        ...(auth.header === undefined ? [] : [['Authorization', auth.header] as const]),
        ...(type === undefined ? [] : [['Content-Type', type] as const]),
        ...preferHeader(prefer),
        ...extras,
      ],
      body,
      framing,
      halfClose,
      ...(auth.token ? { token: auth.token } : {}),
    }));
}

/** A bodyless request with an Authorization header. */
function getRequest(target: fc.Arbitrary<string>, method: fc.Arbitrary<string> = fc.constant('GET')) {
  return fc.record({ method, target, auth: authorization, extras: extraHeaders, prefer, halfClose }).map(
    ({ method, target, auth, extras, prefer, halfClose }): FuzzRequest => ({
      method,
      target,
      headers: [
        ...(auth.header === undefined ? [] : [['Authorization', auth.header] as const]),
        ...preferHeader(prefer),
        ...extras,
      ],
      halfClose,
      ...(auth.token ? { token: auth.token } : {}),
    }),
  );
}

/** Loopback URLs only: closed ports, the mock itself, the fake upstream, and odd spellings of them. */
function loopbackUrls(ctx: Context): fc.Arbitrary<string> {
  const { mockPort: mock, upstreamPort: up, closedPort: closed } = ctx;
  return fc.constantFrom(
    `http://${LOOPBACK}:${closed}/a.png`,
    `http://${LOOPBACK}:${mock}/files/uploads/${ctx.knownUpload}`,
    `http://${LOOPBACK}:${mock}/files/uploads/${ctx.knownUpload}#frag`,
    `http://${LOOPBACK}:${mock}/files/uploads/missing.png`,
    `http://${LOOPBACK}:${mock}/files/results/${ctx.taskId}.mp4`,
    `http://${LOOPBACK}:${mock}/api/file-url-upload`,
    `http://${LOOPBACK}:${mock}/proxy/api/v1/chat/credit`,
    `http://${LOOPBACK}:${mock}/__admin/reset`,
    `http://${LOOPBACK}:${mock}/%5F%5Fadmin/reset`,
    `http://${LOOPBACK}:${up}/x.png`,
    `http://user:pw@${LOOPBACK}:${up}/%ff`,
    `HTTP://${LOOPBACK}:${up}/a/../b.png`,
    `http://2130706433:${closed}/`,
    `http://0x7f.1:${closed}/`,
    `http://127.1:${up}/`,
    `http://${LOOPBACK}:99999/`,
    `ftp://${LOOPBACK}:${closed}/a.png`,
    'file:///etc/passwd',
    'data:image/png;base64,iVBORw0KGgo=',
    'not a url',
    '',
  );
}

// ---------------------------------------------------------------------------------------------------
// The families.
// ---------------------------------------------------------------------------------------------------

/** createTask, recordInfo, credit and download-url. */
function apiRequests(ctx: Context): fc.Arbitrary<FuzzRequest> {
  const createBody = fc
    .record(
      {
        prompt: fc.oneof(fc.constant('A paper boat'), oddText),
        image_url: fc.oneof(fc.constant(SEED_REQUEST.input.image_url), loopbackUrls(ctx), oddText),
        duration: fc.constantFrom('5', '10', 5, '7', null),
        cfg_scale: oddNumber,
        callBackUrl: loopbackUrls(ctx),
      },
      { requiredKeys: ['prompt'] },
    )
    .map(({ callBackUrl, ...input }) => ({
      ...SEED_REQUEST,
      input: { ...SEED_REQUEST.input, ...input },
      ...(callBackUrl === undefined ? {} : { callBackUrl }),
    }));
  const downloadBody = fc.record({
    url: fc.oneof(
      { weight: 2, arbitrary: loopbackUrls(ctx) },
      { weight: 2, arbitrary: urlText.map((path) => `http://${LOOPBACK}:${ctx.mockPort}/files/${path}`) },
      // URLs RFC 3986 allows and WHATWG's URL parser refuses (ports out of range, odd hosts).
      fc.constantFrom(
        `http://${LOOPBACK}:65536/files/uploads/${ctx.knownUpload}`,
        `http://${LOOPBACK}:99999999999/`,
        'http://127.0.0.256/',
        'http://[127.0.0.1]/',
        'http://%zz/',
      ),
      oddNumber,
    ),
  });
  return fc.oneof(
    { weight: 4, arbitrary: jsonRequest('POST', fc.constant('/api/v1/jobs/createTask'), createBody) },
    {
      weight: 3,
      arbitrary: getRequest(
        fc.oneof(
          urlText.map((id) => `/api/v1/jobs/recordInfo?taskId=${id}`),
          fc.constantFrom(
            `/api/v1/jobs/recordInfo?taskId=${ctx.taskId}`,
            '/api/v1/jobs/recordInfo',
            '/api/v1/jobs/recordInfo?taskId=a&taskId=b',
            '/api/v1/jobs/recordInfo?taskId[x]=1',
            '/api/v1/jobs/recordInfo?taskId=a b',
            `/api/v1/jobs/recordInfo?taskId=${'f'.repeat(8_000)}`,
          ),
        ),
      ),
    },
    { weight: 1, arbitrary: getRequest(fc.constant('/api/v1/chat/credit'), fc.constantFrom('GET', 'HEAD')) },
    { weight: 2, arbitrary: jsonRequest('POST', fc.constant('/api/v1/common/download-url'), downloadBody) },
    // Wrong methods on the API's paths.
    {
      weight: 1,
      arbitrary: getRequest(
        fc.constantFrom(...OPERATIONS.map((operation) => operation.path)),
        fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'get', 'FOO'),
      ),
    },
  );
}

/** One multipart part: its header block and content. */
interface Part {
  head: string;
  content: Buffer;
}

const filePart: fc.Arbitrary<Part> = fc
  .record({
    name: fc.constantFrom('file', 'file', 'image', ''),
    filename: fc.constantFrom('a.png', '', '../../x.png', 'a"b.png', 'a\r\nb.png', 'é.png'),
    type: fc.constantFrom('image/png', 'application/octet-stream', ''),
    content: fc.oneof(
      fc.constant(PNG),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.concat([PNG, bytes])),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(Buffer.alloc(0)),
      fc.nat({ max: 300_000 }).map((size) => Buffer.concat([PNG, Buffer.alloc(size, 0x41)])),
    ),
  })
  .map(({ name, filename, type, content }) => ({
    head: `Content-Disposition: form-data; name="${name}"; filename="${filename}"${type ? `\r\nContent-Type: ${type}` : ''}`,
    content,
  }));

const fieldPart: fc.Arbitrary<Part> = fc
  .tuple(fc.constantFrom('uploadPath', 'uploadPath', 'fileName', 'x', ''), fc.oneof(oddName, oddText))
  .map(([name, value]) => field(name, value));

const field = (name: string, value: string): Part => ({
  head: `Content-Disposition: form-data; name="${name}"`,
  content: Buffer.from(value, 'utf8'),
});

/** The parts of an upload that could succeed: uploadPath, maybe fileName, and an image. */
const uploadParts: fc.Arbitrary<Part[]> = fc
  .tuple(oddName, fc.option(oddName), fc.option(fc.uint8Array({ maxLength: 64 })))
  .map(([uploadPath, fileName, tail]) => [
    field('uploadPath', uploadPath),
    ...(fileName === null ? [] : [field('fileName', fileName)]),
    {
      head: 'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png',
      content: tail === null ? PNG : Buffer.concat([PNG, tail]),
    },
  ]);

const oddPart: fc.Arbitrary<Part> = fc.constantFrom(
  { head: '', content: Buffer.from('no headers') },
  { head: 'Content-Disposition: attachment', content: PNG },
  { head: "Content-Disposition: form-data; name*=UTF-8''%ff", content: Buffer.from('x') },
  { head: `X-Long: ${'h'.repeat(20_000)}`, content: Buffer.from('x') },
);

/** Multipart bodies: well formed, with wrong or missing boundaries, cut anywhere, with many parts. */
const multipart = fc
  .record({
    boundary: fc.oneof(
      fc.constantFrom(
        'xyz',
        '----WebKitFormBoundary7MA4YWxkTrZu0gW',
        'a'.repeat(70),
        'b'.repeat(200),
        '--',
        'x;y',
      ),
      fc.string({
        unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 40,
      }),
    ),
    declared: fc.constantFrom('same', 'same', 'same', 'same', 'quoted', 'other', 'missing', 'mixed'),
    parts: fc.oneof(
      { weight: 2, arbitrary: uploadParts },
      fc.array(fc.oneof({ weight: 3, arbitrary: fieldPart }, { weight: 3, arbitrary: filePart }, oddPart), {
        maxLength: 40,
      }),
    ),
    closing: fc.constantFrom('proper', 'proper', 'proper', 'missing', 'lf-only'),
    cut: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, fc.double({ min: 0, max: 1, noNaN: true })),
  })
  .map(({ boundary, declared, parts, closing, cut }) => {
    const chunks = parts.flatMap((part) => [
      Buffer.from(`--${boundary}\r\n${part.head}\r\n\r\n`, 'latin1'),
      part.content,
      Buffer.from('\r\n'),
    ]);
    let body = Buffer.concat([...chunks, Buffer.from(closing === 'missing' ? '' : `--${boundary}--\r\n`)]);
    if (closing === 'lf-only') {
      body = Buffer.from(body.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
    }
    if (cut !== null) {
      body = body.subarray(0, Math.floor(body.length * cut));
    }
    const type = {
      same: `multipart/form-data; boundary=${boundary}`,
      quoted: `multipart/form-data; boundary="${boundary}"`,
      other: 'multipart/form-data; boundary=something-else',
      missing: 'multipart/form-data',
      mixed: `multipart/mixed; boundary=${boundary}`,
    }[declared];
    return { type, body };
  });

/** The part that never closes, as in the brief of this test. */
const UNCLOSED_PNG = {
  type: 'multipart/form-data; boundary=xyz',
  body: Buffer.from(
    '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG',
    'latin1',
  ),
};

/** The three upload endpoints. */
function uploadRequests(ctx: Context): fc.Arbitrary<FuzzRequest> {
  const stream = fc
    .record({
      form: fc.oneof(
        { weight: 5, arbitrary: multipart },
        { weight: 1, arbitrary: fc.constant(UNCLOSED_PNG) },
      ),
      auth: authorization,
      prefer,
      framing,
      halfClose,
      query: fc.constantFrom('', '?uploadPath=q'),
    })
    .map(
      ({ form, auth, prefer, framing, halfClose, query }): FuzzRequest => ({
        method: 'POST',
        target: `/api/file-stream-upload${query}`,
        headers: [
          ...(auth.header === undefined ? [] : [['Authorization', auth.header] as const]),
          ['Content-Type', form.type],
          ...preferHeader(prefer),
        ],
        body: form.body,
        framing,
        halfClose,
        ...(auth.token ? { token: auth.token } : {}),
      }),
    );
  const base64 = PNG.toString('base64');
  const base64Body = fc.record(
    {
      base64Data: fc.oneof(
        { weight: 4, arbitrary: fc.constant(base64) },
        fc.constantFrom(
          `data:image/png;base64,${base64}`,
          `${base64.slice(0, 8)}\n ${base64.slice(8)}`,
          `${base64}A`,
          '====',
          '',
          'iVBORw0KGgo',
        ),
        fc.base64String({ maxLength: 200 }),
        oddText,
        oddNumber,
      ),
      uploadPath: oddName,
      fileName: oddName,
    },
    { requiredKeys: ['base64Data'] },
  );
  const urlBody = fc.record(
    {
      fileUrl: fc.oneof(
        fc.constant(`http://${LOOPBACK}:${ctx.mockPort}/files/uploads/${ctx.knownUpload}`),
        loopbackUrls(ctx),
      ),
      uploadPath: oddName,
      fileName: oddName,
    },
    { requiredKeys: ['fileUrl'] },
  );
  return fc.oneof(
    { weight: 3, arbitrary: stream },
    { weight: 1, arbitrary: jsonRequest('POST', fc.constant('/api/file-base64-upload'), base64Body) },
    { weight: 2, arbitrary: jsonRequest('POST', fc.constant('/api/file-url-upload'), urlBody) },
  );
}

/** GET /files/… with odd paths, queries and Range headers. */
function fileRequests(ctx: Context): fc.Arbitrary<FuzzRequest> {
  const path = fc.oneof(
    fc.constantFrom(
      `uploads/${ctx.knownUpload}`,
      `uploads/${ctx.knownUpload}`,
      `results/${ctx.taskId}.mp4`,
      `results/${ctx.taskId.toUpperCase()}.mp4`,
      `uploads/${ctx.knownUpload}%00`,
      `uploads/${percentEncode(ctx.knownUpload)}`,
      'uploads/',
      '',
      '%ff',
      '%00',
      '..%2f..%2fpackage.json',
      '../../../etc/passwd',
      'uploads//x',
      '%E0%A4%A',
      '\\..\\x',
    ),
    fc.nat({ max: 20_000 }).map((length) => 'a'.repeat(length)),
    urlText,
  );
  const query = fc.constantFrom(
    '',
    '',
    '?expires=1&token=x',
    `?expires=${'9'.repeat(30)}&token=${'a'.repeat(32)}`,
    '?expires=-1&token=',
    '?expires=1e3',
    '?token',
    '?expires=1&expires=2&token=a&token=b',
    '?%ff=%ff',
  );
  const range = fc.constantFrom(
    undefined,
    'bytes=0-0',
    'bytes=0-',
    'bytes=-1',
    'bytes=-0',
    'bytes=5-1',
    'bytes=0-1,2-3',
    `bytes=${'9'.repeat(30)}-`,
    `bytes=-${'9'.repeat(30)}`,
    'items=0-1',
    'bytes=',
    'bytes=--1',
    'bytes=1-2-3',
    'bytes=0-1\u00ff',
    'x'.repeat(8_000),
  );
  return fc
    .record({
      request: getRequest(
        fc.oneof(
          fc.tuple(path, query).map(([p, q]) => `/files/${p}${q}`),
          // The real download link of the known upload, intact or tampered with.
          fc
            .constantFrom(
              (link: string) => link,
              (link: string) => link.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')),
              (link: string) => link.replace(/expires=(\d+)/, (_, n: string) => `expires=${Number(n) + 1}`),
              (link: string) => link.replace(/expires=(\d+)/, 'expires=0$1'),
              (link: string) => link.replace('token=', 'token=%ff'),
              (link: string) => `${link}&token=x`,
              (link: string) => link.replace('uploads/fuzz', 'uploads/%66uzz'),
            )
            .map((tamper) => tamper(ctx.downloadLink)),
        ),
        fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'OPTIONS', 'POST'),
      ),
      range,
    })
    .map(({ request, range }) => ({
      ...request,
      headers: [...request.headers, ...(range === undefined ? [] : [['Range', range] as const])],
    }));
}

/** /proxy/api/… with odd paths, methods and headers, mostly with the right proxy token. */
function proxyRequests(ctx: Context): fc.Arbitrary<FuzzRequest> {
  // The path of an operation, mostly as is, else with dot segments, encoded slashes, case and suffixes.
  const mutation = fc.oneof(
    { weight: 8, arbitrary: fc.constant((path: string) => path) },
    fc.constantFrom(
      (path: string) => path.replace('/v1/', '/v1/../v1/'),
      (path: string) => path.replace('/api/', '/api/./'),
      (path: string) => path.replace(/\/([^/]*)$/, '%2F$1'),
      (path: string) => path.replace(/\/([^/]*)$/, '%252F$1'),
      (path: string) => path.replace('/api/', '/api\\'),
      (path: string) => path.replace('/api/', '//api/'),
      (path: string) => `${path}/`,
      (path: string) => path.toUpperCase(),
      (path: string) => path.replace('/api/', '/%2e%2e/api/'),
      (path: string) => `${path};x=y`,
      (path: string) => `${path}%ff`,
      () => '/api/../__admin/reset',
      () => '/api/v1/user/keys',
    ),
  );
  const query = fc.oneof(
    fc.constantFrom('', '', '?taskId=a&taskId=b', '?x=1', '?%ff', '#frag'),
    urlText.map((id) => `?taskId=${id}`),
  );
  const call = fc
    .record({
      operation: fc.constantFrom(...OPERATIONS),
      mutate: mutation,
      query,
      otherMethod: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'),
      ),
    })
    .map(({ operation, mutate, query, otherMethod }) => ({
      method: otherMethod ?? operation.method,
      target: `/proxy${mutate(operation.path)}${query}`,
    }));
  const tokenHeader = fc.oneof(
    { weight: 6, arbitrary: fc.constant(ctx.proxyToken) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'wrong', `${ctx.proxyToken ?? ''}x`) },
  );
  const host = fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'evil.example',
        `localhost:${ctx.mockPort}`,
        '[::1]',
        '127.0.0.1:1@evil',
        '',
        'a b',
      ),
    },
  );
  const body = fc.oneof(
    jsonBytes(fc.constant(SEED_REQUEST)),
    multipart.map((form) => form.body),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  );
  return fc
    .record({
      call,
      auth: authorization,
      tokenHeader,
      host,
      type: jsonContentType,
      extras: extraHeaders,
      body,
      framing,
      halfClose,
    })
    .map(
      (r): FuzzRequest => ({
        method: r.call.method,
        target: r.call.target,
        headers: [
          ...(r.host === undefined ? [] : [['Host', r.host] as const]),
          ...(r.auth.header === undefined ? [] : [['Authorization', r.auth.header] as const]),
          ...(r.tokenHeader === undefined ? [] : [['X-Kling-Proxy-Token', r.tokenHeader] as const]),
          ...(r.type === undefined ? [] : [['Content-Type', r.type] as const]),
          ...r.extras,
        ],
        ...(['GET', 'HEAD', 'OPTIONS'].includes(r.call.method) ? {} : { body: r.body }),
        framing: r.framing,
        halfClose: r.halfClose,
        ...(r.auth.token ? { token: r.auth.token } : {}),
      }),
    );
}

/** A scripted fault with odd field values, always tied to a probe taskId. */
const fault = fc
  .tuple(
    // A valid fault…
    fc.record(
      {
        operation: fc.constantFrom('*', ...OPERATIONS.map((operation) => operation.operationId)),
        times: fc.constantFrom(1, 2, 1_000_000),
        after: fc.constantFrom(0, 1),
        code: fc.constantFrom(402, 429, 455, 500, 999),
        msg: oddText,
        httpStatus: fc.constantFrom(100, 101, 199, 204, 304, 404, 500, 599),
        rawBody: fc.oneof(oddText, fc.constant('<html><body>502 Bad Gateway</body></html>')),
        delayMs: fc.constantFrom(0, 1, 50, 50, 50, 600_000),
        drop: fc.constantFrom(false, false, false, true),
        retryAfterSec: fc.constantFrom(0, 1, 86_400),
      },
      { requiredKeys: ['operation'] },
    ),
    // …with up to two fields made odd (httpStatus 1000, huge numbers, strings where numbers go).
    fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      fc.array(
        fc.tuple(
          fc.constantFrom(
            'operation',
            'times',
            'after',
            'code',
            'httpStatus',
            'delayMs',
            'drop',
            'retryAfterSec',
            'x',
          ),
          fc.oneof(oddNumber, fc.constantFrom(1000, 600_001, 'nope')),
        ),
        { minLength: 1, maxLength: 2 },
      ),
    ),
    fc.constantFrom(...PROBE_IDS),
  )
  .map(([valid, odd, taskId]) => ({ ...valid, ...Object.fromEntries(odd), taskId }));

/** /__admin with generated bodies; faults are tied to the probe taskIds. */
function adminRequests(ctx: Context): fc.Arbitrary<FuzzRequest> {
  const id = fc.oneof(
    // Sorted: which tasks exist does not depend on the order their answers came back in.
    fc.constantFrom(
      ctx.taskId,
      ...[...ctx.taskIds].sort().slice(0, 20),
      'flt_00000000',
      'dlv_1',
      'dlv_2',
      'dlv_3',
      ...PROBE_IDS,
    ),
    urlText,
  );
  const reads = fc
    .oneof(
      fc.constantFrom('/__admin', '/__admin/', '/__admin/clock', '/__admin/faults', '/__admin/accounts'),
      fc.constantFrom('/__admin/config', '/__admin/callbacks', '/__admin/%ff', '/__admin/../healthz'),
      urlText.map((state) => `/__admin/tasks?state=${state}&accountId=${state}`),
      id.map((taskId) => `/__admin/tasks/${taskId}`),
      id.map((taskId) => `/__admin/callbacks?taskId=${taskId}`),
    )
    .map((target) => ({ method: 'GET', target, body: undefined as unknown }));
  const taskActions = fc
    .record({
      id,
      action: fc.constantFrom('state', 'outcome', 'resume', 'callback'),
      body: fc.record(
        {
          state: fc.oneof(fc.constantFrom('success', 'fail', 'waiting', 'generating'), oddText),
          outcome: fc.oneof(fc.constantFrom('success', 'fail'), oddText),
          failCode: fc.oneof(oddNumber, oddText),
          failMsg: fc.oneof(oddText, oddNumber),
        },
        { requiredKeys: [] },
      ),
    })
    .map(({ id, action, body }) => ({ method: 'POST', target: `/__admin/tasks/${id}/${action}`, body }));
  const credits = fc
    .record(
      { apiKey: fc.oneof(token, oddText), accountId: oddText, credits: oddNumber },
      { requiredKeys: ['credits'] },
    )
    .map((body) => ({ method: 'POST', target: '/__admin/credits', body }));
  const config = fc
    .record(
      {
        timing: fc.oneof(
          fc.constantFrom(
            'fast',
            'realistic',
            'slow',
            '',
            `waiting=${'9'.repeat(40)}s`,
            'waiting=1,waiting=2',
          ),
          oddText,
        ),
        failRate: oddNumber,
        rateLimit: fc.oneof(fc.boolean(), oddNumber),
        httpStatusMirror: fc.oneof(fc.boolean(), oddNumber),
      },
      { requiredKeys: [] },
    )
    .map((body) => ({ method: 'PATCH', target: '/__admin/config', body }));
  const call = fc.oneof(
    { weight: 18, arbitrary: fault.map((body) => ({ method: 'POST', target: '/__admin/faults', body })) },
    { weight: 9, arbitrary: reads },
    { weight: 9, arbitrary: taskActions },
    { weight: 6, arbitrary: credits },
    { weight: 6, arbitrary: config },
    {
      weight: 6,
      arbitrary: fc
        .record({ ms: oddNumber })
        .map((body) => ({ method: 'POST', target: '/__admin/clock/advance', body })),
    },
    {
      weight: 6,
      arbitrary: id.map((deliveryId) => ({
        method: 'POST',
        target: `/__admin/callbacks/${deliveryId}/redeliver`,
        body: {},
      })),
    },
    {
      weight: 3,
      arbitrary: id.map((faultId) => ({
        method: 'DELETE',
        target: `/__admin/faults/${faultId}`,
        body: undefined,
      })),
    },
    { weight: 1, arbitrary: fc.constant({ method: 'POST', target: '/__admin/reset', body: {} }) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
          fc.constantFrom('/__admin', '/__admin/tasks'),
        )
        .map(([method, target]) => ({ method, target, body: undefined })),
    },
  );
  const utf7Deep = Buffer.from(`{"ms":${'+AFs-'.repeat(10_000)}1${'+AF0-'.repeat(10_000)}}`, 'latin1');
  return fc
    .record({
      call,
      type: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            undefined,
            'text/plain',
            'application/json; charset=utf-16le',
            'application/json; charset=utf-32',
            'application/json; charset=utf-99',
          ),
        },
      ),
      host: fc.oneof(
        { weight: 8, arbitrary: fc.constant(LOOPBACK) },
        { weight: 1, arbitrary: fc.constantFrom('evil.example', 'localhost', '[::1]', '') },
      ),
      raw: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.oneof(brokenJson, deepJson).map((text) => Buffer.from(text)) },
        { weight: 1, arbitrary: fc.constant(utf7Deep) },
      ),
      auth: authorization,
      extras: extraHeaders,
      framing,
      halfClose,
    })
    .map(({ call, type, host, raw, auth, extras, framing, halfClose }): FuzzRequest => {
      const utf7 = raw === utf7Deep;
      const body =
        raw ??
        (call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body) ?? 'null', 'utf8'));
      const contentType = utf7 ? 'application/json; charset=utf-7' : type;
      return {
        method: call.method,
        target: call.target,
        headers: [
          ['Host', host],
          ...(auth.header === undefined ? [] : [['Authorization', auth.header] as const]),
          ...(contentType === undefined ? [] : [['Content-Type', contentType] as const]),
          ...extras,
        ],
        ...(body === undefined ? {} : { body }),
        framing,
        halfClose,
        ...(auth.token ? { token: auth.token } : {}),
      };
    });
}

/** API calls about the probe taskIds (so the scripted faults apply), some with `Prefer: code=…`. */
function probeRequests(): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      operation: fc.constantFrom(...OPERATIONS),
      probe: fc.constantFrom(...PROBE_IDS),
      prefer: fc.constantFrom(undefined, undefined, 'code=402', 'code=500', 'code=999', 'code="429"'),
      auth: authorization,
    })
    .map(({ operation, probe, prefer, auth }) => probeRequest(operation, probe, auth, prefer));
}

/** One call of an operation about a probe taskId. */
function probeRequest(
  operation: (typeof OPERATIONS)[number],
  probe: string,
  auth: { token?: string; header?: string },
  prefer?: string,
): FuzzRequest {
  return {
    method: operation.method,
    target: `${operation.path}?taskId=${probe}`,
    headers: [
      ...(auth.header === undefined ? [] : [['Authorization', auth.header] as const]),
      ['Content-Type', 'application/json'],
      ...preferHeader(prefer),
    ],
    ...(operation.method === 'POST' ? { body: Buffer.from('{}') } : {}),
    framing: 'length',
    halfClose: false,
    faulted: true,
    ...(auth.token ? { token: auth.token } : {}),
  };
}

/** Every operation about every probe taskId once, so each fault still waiting is applied. */
const sweepRequests = (): FuzzRequest[] =>
  PROBE_IDS.flatMap((probe) =>
    OPERATIONS.map((operation) =>
      probeRequest(operation, probe, { token: SWEEP_TOKEN, header: `Bearer ${SWEEP_TOKEN}` }),
    ),
  );

// ---------------------------------------------------------------------------------------------------
// Sending and judging.
// ---------------------------------------------------------------------------------------------------

/** Families whose every answer with a body must be JSON (the API, uploads, proxy and admin envelopes). */
const JSON_FAMILIES: ReadonlySet<Family> = new Set(['api', 'uploads', 'proxy', 'admin']);

/** The first value of a request header, by name in any case. */
const headerOf = (request: WireRequest, name: string): string | undefined =>
  request.headers.find(([header]) => header.toLowerCase() === name)?.[1];

/** What is wrong with an answer, if anything. */
function problemsOf(family: Family, request: FuzzRequest, answer: WireAnswer): string[] {
  const problems: string[] = [];
  const text = `${answer.head}\r\n\r\n${answer.body.toString('utf8')}`;
  if (STACK_FRAME.test(text)) {
    problems.push('a stack trace in the answer');
  }
  if (request.token && text.includes(request.token)) {
    problems.push('the bearer token echoed in the answer');
  }
  // 1xx statuses are interim: a client waits on for a final answer that never comes.
  const interimOnly =
    answer.outcome !== 'answered' && answer.interim.length > 0 && !headerOf(request, 'expect');
  if (interimOnly) {
    problems.push(`only an interim ${answer.interim.join(', ')} answer, then nothing (${answer.outcome})`);
  }
  if (answer.status !== undefined && answer.status < 200) {
    problems.push(`a ${answer.status} status as the final answer`);
  }
  if (request.faulted) {
    return problems;
  }
  // The mock's own reading of `Prefer: code=NNN`: asking for a 5xx may get one.
  const forced = Number(/code\s*=\s*"?(\d{3})/i.exec(headerOf(request, 'prefer') ?? '')?.[1] ?? 0);
  if (answer.status !== undefined && answer.status >= 500 && forced < 500) {
    problems.push(`HTTP ${answer.status}`);
  }
  // Node ends a connection the client half-closed (httpAllowHalfOpen is off): no answer is due then.
  const due = isComplete(request.framing ?? 'length') && !request.halfClose;
  if (due && answer.outcome !== 'answered' && !interimOnly) {
    problems.push(`no answer to a whole request (${answer.outcome})`);
  }
  // Express answers OPTIONS itself, with the allowed methods as text.
  const jsonDue = JSON_FAMILIES.has(family) && request.method !== 'OPTIONS';
  if (jsonDue && answer.outcome === 'answered' && answer.body.length > 0) {
    let code: unknown;
    try {
      code = (JSON.parse(answer.body.toString('utf8')) as { code?: unknown } | null)?.code;
    } catch {
      problems.push(`not JSON (${answer.headers['content-type'] ?? 'no content type'})`);
    }
    if (typeof code === 'number' && code >= 500 && forced < 500) {
      problems.push(`envelope code ${code}`);
    }
  }
  return problems;
}

/** A readable, copy-pasteable account of one request and its answer. */
function describeExchange(request: FuzzRequest, wire: Buffer, answer: WireAnswer): string {
  return [
    `  request (${request.halfClose ? 'then half-closed' : 'connection kept open'}): ${printable(wire, 700)}`,
    answer.head
      ? `  answer (${answer.outcome}): ${printable(Buffer.from(answer.head, 'latin1'), 300)}\n  body: ${printable(answer.body, 300)}`
      : `  no whole answer (${answer.outcome}), received: ${printable(answer.body, 300)}`,
  ].join('\n');
}

/** Bytes as a JSON string: UTF-8 text when they are, else byte for byte; cut at `max` bytes. */
function printable(bytes: Buffer, max: number): string {
  const head = bytes.subarray(0, max);
  let text = head.toString('utf8');
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = head.toString('latin1');
  }
  return JSON.stringify(text) + (bytes.length > max ? ` …(${bytes.length} bytes)` : '');
}

let mock: MockProcess;
let upstream: FakeUpstream;
let ctx: Context;

/** What a storm found: one report per bad answer, and how many answers were 2xx (so it got through). */
interface StormResult {
  reports: string[];
  succeeded: number;
}

/** Sends every request, a few at a time, and judges each answer. */
async function storm(family: Family, requests: readonly FuzzRequest[]): Promise<StormResult> {
  const result: StormResult = { reports: [], succeeded: 0 };
  await runPool(requests, CONCURRENCY, async (request) => {
    const wire = encodeRequest(request, `${LOOPBACK}:${mock.port}`);
    const timeoutMs = request.faulted
      ? FAULTED_TIMEOUT_MS
      : isComplete(request.framing ?? 'length')
        ? ANSWER_TIMEOUT_MS
        : request.halfClose
          ? HALF_CLOSE_WAIT_MS
          : HOLD_MS;
    const answer = await sendRaw(mock.port, wire, {
      method: request.method,
      halfClose: request.halfClose,
      timeoutMs,
    });
    const problems = problemsOf(family, request, answer);
    if (problems.length > 0) {
      result.reports.push(`${problems.join('; ')}\n${describeExchange(request, wire, answer)}`);
    }
    if (answer.status !== undefined && answer.status >= 200 && answer.status < 300) {
      result.succeeded++;
    }
    // Tasks created on the way are steered by the admin family later.
    const created = /"taskId":"([0-9a-f]{32})"/.exec(answer.body.toString('utf8'))?.[1];
    if (created) {
      ctx.taskIds.add(created);
    }
  });
  return result;
}

/** The bad answers of one family plus the error lines the mock printed meanwhile, as one report. */
function reportOf(family: Family, reports: readonly string[], stderr: string): string {
  const errorLines = stderr.split('\n').filter((line) => STDERR_ERROR.test(line));
  if (reports.length === 0 && errorLines.length === 0) {
    return '';
  }
  return [
    `${family}: ${reports.length} bad answer(s) (FUZZ_SEED=${SEED} replays them)`,
    ...reports.slice(0, 12),
    ...(errorLines.length > 0 ? ['stderr:', ...errorLines.slice(0, 20)] : []),
  ].join('\n');
}

/** Draws `count` requests of a family (seeded per family), storms the mock with them and judges. */
async function fuzzFamily(
  family: Family,
  index: number,
  arbitrary: fc.Arbitrary<FuzzRequest>,
  count: number,
): Promise<void> {
  const requests = fc.sample(arbitrary, { seed: SEED + index, numRuns: count });
  const before = mock.stderr().length;
  const { reports, succeeded } = await storm(family, requests);
  expect(reportOf(family, reports, mock.stderr().slice(before))).toBe('');
  expect(succeeded, 'requests that got through to a 2xx').toBeGreaterThan(0);
}

/** A whole request with a JSON body, for the setup. */
async function call(method: string, target: string, body?: unknown, token = 'fz_setup_account_0001') {
  const request: WireRequest = {
    method,
    target,
    headers: [
      ['Authorization', `Bearer ${token}`],
      ['Content-Type', 'application/json'],
    ],
    ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
  };
  const answer = await sendRaw(mock.port, encodeRequest(request, `${LOOPBACK}:${mock.port}`), {
    method,
    halfClose: false,
    timeoutMs: ANSWER_TIMEOUT_MS,
  });
  return {
    status: answer.status,
    json: JSON.parse(answer.body.toString('utf8') || 'null') as Record<string, unknown>,
  };
}

beforeAll(async () => {
  upstream = await startUpstream();
  mock = await spawnMock([
    '--port',
    '0',
    '--timing',
    'fast',
    '--loopback-only',
    '--quiet',
    '--proxy',
    upstream.url,
    '--hmac-key',
    'k',
    // Reproducible task ids, timings and failures, like the requests.
    '--seed',
    `fuzz-${SEED}`,
  ]);
  const upload = await call('POST', '/api/file-base64-upload', {
    base64Data: PNG.toString('base64'),
    uploadPath: 'fuzz',
    fileName: 'known.png',
  });
  const task = await call('POST', '/api/v1/jobs/createTask', SEED_REQUEST);
  const playground = await call('GET', '/__playground');
  expect(upload.json.code, JSON.stringify(upload.json)).toBe(200);
  expect(task.json.code, JSON.stringify(task.json)).toBe(200);
  const taskId = (task.json.data as { taskId: string }).taskId;
  const success = await call('POST', `/__admin/tasks/${taskId}/state`, { state: 'success' });
  const link = await call('POST', '/api/v1/common/download-url', {
    url: `http://${LOOPBACK}:${mock.port}/files/uploads/fuzz/known.png`,
  });
  expect(success.status, JSON.stringify(success.json)).toBe(200);
  expect(link.json.code, JSON.stringify(link.json)).toBe(200);
  ctx = {
    mockPort: mock.port,
    upstreamPort: upstream.port,
    closedPort: await closedPort(),
    proxyToken: typeof playground.json.proxyToken === 'string' ? playground.json.proxyToken : undefined,
    knownUpload: 'fuzz/known.png',
    taskId,
    downloadLink: new URL(String(link.json.data)).pathname + new URL(String(link.json.data)).search,
    taskIds: new Set(),
  };
}, 20_000);

afterAll(async () => {
  await mock?.stop(5_000);
  await upstream?.close();
}, 15_000);

describe('kling-mock as a process, under generated requests', () => {
  it(
    'answers the API without 5xx, stack traces or echoed keys',
    () => fuzzFamily('api', 1, apiRequests(ctx), 200),
    40_000,
  );

  it(
    'answers the upload API, whatever the multipart, base64 or URL',
    () => fuzzFamily('uploads', 2, uploadRequests(ctx), 160),
    40_000,
  );

  it('serves /files for any path and Range', () => fuzzFamily('files', 3, fileRequests(ctx), 80), 40_000);

  it('proxies only what it should, to the loopback upstream', async () => {
    await fuzzFamily('proxy', 4, proxyRequests(ctx), 120);
    expect(upstream.requests, 'requests forwarded to the fake upstream').toBeGreaterThan(0);
  }, 40_000);

  it('answers the admin API and its scripted faults', async () => {
    const admin = fc.sample(adminRequests(ctx), { seed: SEED + 5, numRuns: 120 });
    const probes = fc.sample(probeRequests(), { seed: SEED + 6, numRuns: 60 });
    // Interleaved: faults are scripted while the probes that trigger them are in flight.
    const mixed = admin.flatMap((request, index) =>
      index % 2 === 0 ? [request, probes[index / 2]] : [request],
    );
    const before = mock.stderr().length;
    const stormed = await storm(
      'admin',
      mixed.filter((request): request is FuzzRequest => request !== undefined),
    );
    const swept = await storm('admin', sweepRequests());
    const cleared = await call('DELETE', '/__admin/faults');
    expect(reportOf('admin', [...stormed.reports, ...swept.reports], mock.stderr().slice(before))).toBe('');
    expect(stormed.succeeded, 'requests that got through to a 2xx').toBeGreaterThan(0);
    expect(cleared.status).toBe(200);
  }, 40_000);

  it('is the same process afterwards, healthy, with nothing on stderr', async () => {
    const health = await call('GET', '/healthz');
    expect(mock.child.exitCode).toBeNull();
    expect(mock.child.signalCode).toBeNull();
    expect(() => process.kill(mock.pid, 0)).not.toThrow();
    expect(health.status).toBe(200);
    expect(health.json.status).toBe('ok');
    // Its uptime covers the whole run: no restart answered in its place.
    expect(health.json.uptimeSec).toBeGreaterThanOrEqual(
      Math.floor((Date.now() - mock.startedAt) / 1000) - 2,
    );
    const errorLines = mock
      .stderr()
      .split('\n')
      .filter((line) => STDERR_ERROR.test(line));
    expect(errorLines).toEqual([]);
    expect(mock.stdout()).not.toMatch(/fz_[0-9a-f]{24}/);
  });
});
