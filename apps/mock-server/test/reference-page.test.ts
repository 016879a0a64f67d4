import { spec } from '@kling-kit/contract';
import { describe, expect, it } from 'vitest';
import { type OpenApiDocument, renderReferencePage } from '../src/reference-page.js';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const escapeHtml = (value: string): string =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const doc: Json = spec;
const html = renderReferencePage(spec);

/** Every operation of `paths`, with the servers its path item overrides. */
const operations = Object.entries(isRecord(doc.paths) ? doc.paths : {}).flatMap(([path, item]) =>
  Object.entries(isRecord(item) ? item : {})
    .filter(([, op]) => isRecord(op) && typeof op.operationId === 'string')
    .map(([method, op]) => ({
      path,
      method,
      operationId: String(isRecord(op) ? op.operationId : ''),
      servers: isRecord(item) && Array.isArray(item.servers) ? item.servers.filter(isRecord) : [],
    })),
);

/** The HTML of one operation's `<article>`. */
function article(page: string, id: string): string {
  const start = page.indexOf(`<article class="op" id="${id}">`);
  expect(start, `article ${id}`).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf('</article>', start));
}

describe('renderReferencePage', () => {
  it('renders a complete HTML5 page titled from the document, or from the title option', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain(`<title>${escapeHtml(spec.info.title)}</title>`);
    expect(html).toContain(`Version ${spec.info.version}`);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(renderReferencePage(spec, { title: 'Mock & co' })).toContain('<title>Mock &amp; co</title>');
  });

  it('links to the served OpenAPI documents near the top', () => {
    const header = html.slice(0, html.indexOf('<nav'));
    expect(header).toContain('href="/openapi.yaml"');
    expect(header).toContain('href="/openapi.json"');
  });

  it('documents every operation of the spec, with its path, operationId and tag', () => {
    expect(operations.length).toBeGreaterThanOrEqual(7);
    for (const { path, method, operationId } of operations) {
      const section = article(html, `op-${operationId}`);
      expect(section).toContain(`<code>${escapeHtml(path)}</code>`);
      expect(section).toContain(`>${method.toUpperCase()}</span>`);
      expect(section).toContain(`<code>${operationId}</code>`);
      expect(html).toContain(`<a href="#op-${operationId}">${operationId}</a>`);
    }
    for (const tag of spec.tags) {
      expect(html).toContain(`id="tag-${tag.name}"`);
    }
  });

  it('shows the default server and the upload operations’ server override', () => {
    for (const server of spec.servers) {
      expect(html).toContain(`<code>${server.url}</code>`);
    }
    const overridden = operations.filter((op) => op.servers.length > 0);
    expect(overridden.map((op) => op.operationId)).toContain('uploadFileStream');
    for (const { operationId, servers } of overridden) {
      for (const server of servers) {
        expect(article(html, `op-${operationId}`)).toContain(`Server: <code>${String(server.url)}</code>`);
      }
    }
    expect(article(html, 'op-createTask')).not.toContain('Server:');
  });

  it('pretty-prints named examples, including the seed’s Chinese prompt and resolved $refs', () => {
    const seed =
      spec.paths['/api/v1/jobs/createTask'].post.requestBody.content['application/json'].examples.seed;
    const createTask = article(html, 'op-createTask');
    expect(createTask).toContain(escapeHtml(seed.summary));
    expect(createTask).toContain(`  &quot;prompt&quot;: &quot;${escapeHtml(seed.value.input.prompt)}&quot;`);
    // #/components/examples/... and #/components/responses/... are resolved, not printed as $ref.
    expect(createTask).toContain(escapeHtml(spec.components.examples.Unauthorized.value.msg));
    expect(createTask).toContain(escapeHtml(spec.components.examples.RateLimited.value.msg));
    expect(createTask).toContain('Retry-After');
    expect(article(html, 'op-uploadFileBase64')).toContain(
      escapeHtml(
        spec.components.responses.FileUploaded.content['application/json'].examples.uploaded.value.msg,
      ),
    );
    expect(html).not.toContain('$ref');
  });

  it('renders the callback webhook with its headers and examples, linked from createTask', () => {
    const hook = article(html, 'webhook-receiveTaskCallback');
    const operation = spec.components.pathItems.TaskFinishedCallback.post;
    for (const parameter of operation.parameters) {
      expect(hook).toContain(`<code>${parameter.name}</code>`);
    }
    expect(hook).toContain('{$request.body#/callBackUrl}');
    expect(hook).toContain(
      escapeHtml(operation.requestBody.content['application/json'].examples.fail.value.msg),
    );
    expect(hook).toContain('auth: none');
    expect(article(html, 'op-createTask')).toContain('href="#webhook-receiveTaskCallback"');
  });

  it('documents every component schema with types, constraints and $ref links', () => {
    for (const name of Object.keys(spec.components.schemas)) {
      expect(html).toContain(`<section class="schema" id="schema-${name}">`);
    }
    const schema = (name: string) => {
      const start = html.indexOf(`id="schema-${name}"`);
      return html.slice(start, html.indexOf('</section>', start));
    };
    expect(schema('FailCode')).toContain('Type: string | integer | null');
    expect(schema('KlingV21ProInput')).toContain('multipleOf: <code>0.1</code>');
    expect(schema('KlingV21ProInput')).toContain('maxLength: <code>5000</code>');
    expect(schema('KlingV21ProInput')).toContain(
      '<a href="#schema-ImageUrl">ImageUrl</a> | <code>&quot;&quot;</code>',
    );
    expect(schema('UploadPath')).toContain(
      `pattern: <code>${escapeHtml(spec.components.schemas.UploadPath.pattern)}</code>`,
    );
    expect(schema('Duration')).toContain('enum: <code>&quot;5&quot;, &quot;10&quot;</code>');
    expect(schema('TaskRecordEnvelope')).toContain('<a href="#schema-TaskRecord">TaskRecord</a> | null');
    expect(schema('CallbackRecord')).toContain('<code>remainedCredits</code>');
    expect(schema('TaskRecord')).toContain('decodes to <a href="#schema-TaskParam">TaskParam</a>');
  });

  it('shows the ResponseCode meanings as a code → meaning table', () => {
    const responseCode = spec.components.schemas.ResponseCode;
    responseCode.enum.forEach((code, i) => {
      const name = responseCode['x-enum-varnames'][i] ?? '';
      const meaning = responseCode['x-enum-descriptions'][i] ?? '';
      expect(html).toContain(
        `<td data-label="Value"><code>${code}</code></td><td data-label="Name">${name}</td>` +
          `<td data-label="Meaning">${escapeHtml(meaning)}</td>`,
      );
    });
  });

  it('documents bearer authentication and which operations need none', () => {
    expect(html).toContain('<h3 id="scheme-bearerAuth">bearerAuth</h3><p>Type: <code>http bearer</code></p>');
    expect(article(html, 'op-getTaskRecord')).toContain('auth: <a href="#scheme-bearerAuth">bearerAuth</a>');
  });

  it('works offline: no external scripts, styles, fonts or images', () => {
    const tags = html.match(/<(script|link|img|iframe|source)\b[^>]*>/gi) ?? [];
    for (const tag of tags) {
      expect(tag).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    }
    const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
    expect(css).not.toMatch(/@import|url\(/);
    expect(html).not.toContain('<script');
  });

  it('only links to anchors that exist', () => {
    const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    const anchors = [...html.matchAll(/href="#([^"]*)"/g)].map((m) => m[1]);
    expect(anchors.length).toBeGreaterThan(50);
    expect(anchors.filter((anchor) => !ids.has(anchor))).toEqual([]);
    expect(ids.size).toBe([...html.matchAll(/ id="/g)].length);
  });

  it('escapes everything from the document and renders a safe markdown subset', () => {
    const hostile: OpenApiDocument = {
      openapi: '3.1.0',
      info: {
        title: '<img src=x onerror=alert(1)>',
        version: '1 & "2"',
        description: '<script>alert(1)</script>\n\n## Notes\n- **bold** and `<code>`\n- plain',
      },
      paths: { '/x': { get: { operationId: 'x', summary: '<script>alert(2)</script>' } } },
      components: {
        schemas: { Evil: { description: '</section><script>alert(3)</script>', enum: ['<b>'] } },
      },
    };
    const page = renderReferencePage(hostile);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('Version 1 &amp; &quot;2&quot;');
    expect(page).toContain('<h3>Notes</h3><ul><li><strong>bold</strong> and <code>&lt;code&gt;</code></li>');
    expect(page).toContain('<li>plain</li></ul>');
  });

  it('renders a document with nothing but info', () => {
    const page = renderReferencePage({ info: { title: 'Empty', version: '0' } });
    expect(page).toContain('<h1>Empty</h1>');
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
  });
});
