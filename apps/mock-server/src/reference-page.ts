/** The parts of an OpenAPI 3.1 document the page relies on; everything else is read as `unknown`. */
export interface OpenApiDocument {
  readonly info: { readonly title: string; readonly version: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface ReferencePageOptions {
  /** Replaces `info.title` in `<title>` and the page heading. */
  readonly title?: string;
}

type Json = Record<string, unknown>;

interface Operation {
  /** The path, or the webhook's name. */
  readonly key: string;
  readonly method: string;
  readonly op: Json;
  readonly item: Json;
  /** The `$ref` the path item came from, if any. */
  readonly itemRef: string | undefined;
  /** The anchor of the operation's article. */
  readonly id: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const CONSTRAINTS = (
  'enum const default format pattern minLength maxLength minimum maximum exclusiveMinimum exclusiveMaximum ' +
  'multipleOf minItems maxItems contentMediaType example'
).split(' ');
const RAW_STRINGS = new Set(['format', 'pattern', 'contentMediaType']);
const ENUM_EXTENSIONS = new Set(['x-enum-descriptions', 'x-enum-varnames']);
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const rec = (value: unknown): Json => (isRecord(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
const json = (value: unknown, indent = 0): string => escapeHtml(JSON.stringify(value, null, indent));
const slug = (value: string): string => value.replace(/[^A-Za-z0-9_-]+/g, '-');
const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
const code = (value: unknown): string => `<code>${escapeHtml(value)}</code>`;
type Cells = readonly string[];
/** A table; each cell carries its column's label, shown instead of the header on narrow screens. */
function table(head: Cells, rows: readonly Cells[]): string {
  const body = rows.map((cells) =>
    cells.map((c, i) => `<td data-label="${head[i] ?? ''}">${c}</td>`).join(''),
  );
  return (
    `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${body.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table></div>`
  );
}

/** Escapes a string, then renders `code` spans and **bold** (which may contain code spans). */
function inline(raw: unknown): string {
  const codeSpans = (s: string) => s.replace(/`([^`]+)`/g, '<code>$1</code>');
  return escapeHtml(text(raw)).replace(/`([^`]+)`|\*\*(.+?)\*\*/g, (_match, span?: string, bold?: string) =>
    span === undefined ? `<strong>${codeSpans(bold ?? '')}</strong>` : `<code>${span}</code>`,
  );
}

/** A safe markdown subset: paragraphs, `#` headings (shifted one level down), `- ` lists, inline marks. */
function markdown(raw: unknown): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  let items: string[] | undefined;
  const flush = () => {
    if (paragraph.length > 0) {
      out.push(`<p>${inline(paragraph.join(' '))}</p>`);
      paragraph = [];
    }
    if (items) {
      out.push(`<ul>${items.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`);
      items = undefined;
    }
  };
  for (const line of text(raw).split('\n')) {
    const heading = /^(#{1,5})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      const level = (heading[1] ?? '').length + 1;
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`);
    } else if (line.startsWith('- ')) {
      if (!items) {
        flush();
        items = [];
      }
      items.push(line.slice(2).trim());
    } else if (line.trim() === '') {
      flush();
    } else if (items && /^\s/.test(line)) {
      items[items.length - 1] += ` ${line.trim()}`;
    } else {
      if (items) {
        flush();
      }
      paragraph.push(line.trim());
    }
  }
  flush();
  return out.join('');
}

/** Follows local `$ref`s (`#/components/...`) and reports the last one followed. */
function resolve(doc: Json, value: unknown): { value: Json; ref: string | undefined } {
  let current = value;
  let ref: string | undefined;
  for (let depth = 0; depth < 16 && typeof rec(current).$ref === 'string'; depth++) {
    ref = text(rec(current).$ref);
    const keys = ref.startsWith('#/') ? ref.slice(2).split('/') : [];
    current = keys.reduce<unknown>(
      (node, key) => rec(node)[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      doc,
    );
  }
  return { value: rec(current), ref };
}

/** A schema's type in one line: `$ref` links, `type` arrays, arrays, consts and anyOf/oneOf/allOf. */
function typeOf(raw: unknown): string {
  const schema = rec(raw);
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref);
    return `<a href="#schema-${slug(name)}">${escapeHtml(name)}</a>`;
  }
  if (schema.const !== undefined) {
    return `<code>${json(schema.const)}</code>`;
  }
  for (const [key, separator] of [
    ['anyOf', ' | '],
    ['oneOf', ' | '],
    ['allOf', ' &amp; '],
  ] as const) {
    if (Array.isArray(schema[key])) {
      return list(schema[key]).map(typeOf).join(separator);
    }
  }
  const types = Array.isArray(schema.type) ? list(schema.type) : [schema.type].filter(Boolean);
  const parts = types.map((t) => (t === 'array' ? `array of ${typeOf(schema.items)}` : escapeHtml(t)));
  return parts.length > 0 ? parts.join(' | ') : 'any';
}

/** Enums, limits, formats, defaults, examples and `x-` extensions, as small labelled chips. */
function constraints(raw: unknown): string {
  const schema = rec(raw);
  const keys = [
    ...CONSTRAINTS,
    ...Object.keys(schema).filter((k) => k.startsWith('x-') && !ENUM_EXTENSIONS.has(k)),
  ];
  const chips = keys
    .filter((key) => schema[key] !== undefined)
    .map((key) => {
      const value = schema[key];
      const values = key === 'enum' ? list(value) : [value];
      const shown = values.map((v) => (RAW_STRINGS.has(key) ? escapeHtml(v) : json(v))).join(', ');
      return `<span class="chip">${key}: <code>${shown}</code></span>`;
    });
  if (schema.contentSchema !== undefined) {
    chips.push(`<span class="chip">decodes to ${typeOf(schema.contentSchema)}</span>`);
  }
  return chips.length > 0 ? `<div class="chips">${chips.join(' ')}</div>` : '';
}

function paramTable(params: readonly Json[]): string {
  const rows = params.map((p) => {
    const schema = { ...rec(p.schema), ...(p.example === undefined ? {} : { example: p.example }) };
    const cells = [code(text(p.name)), escapeHtml(text(p.in)), p.required === true ? 'yes' : 'no'];
    return [...cells, typeOf(p.schema), markdown(p.description) + constraints(schema)];
  });
  return table(['Name', 'In', 'Required', 'Type', 'Description'], rows);
}

function examples(doc: Json, media: Json): string {
  const named = Object.entries(rec(media.examples)).map(([name, raw]) => {
    const { value, ref } = resolve(doc, raw);
    const from = ref ? ` <span class="muted">(${escapeHtml(refName(ref))})</span>` : '';
    const label = `${code(name)} ${inline(value.summary)}${from}`;
    const pre = `<pre>${json(value.value, 2)}</pre>`;
    return `<details><summary>${label}</summary>${markdown(value.description)}${pre}</details>`;
  });
  if (media.example !== undefined) {
    named.push(`<details><summary>example</summary><pre>${json(media.example, 2)}</pre></details>`);
  }
  return named.join('');
}

function content(doc: Json, raw: unknown): string {
  return Object.entries(rec(raw))
    .map(([type, media]) => {
      const schema = rec(media).schema === undefined ? '' : ` · schema ${typeOf(rec(media).schema)}`;
      return `<p>Media type ${code(type)}${schema}</p>${examples(doc, rec(media))}`;
    })
    .join('');
}

function requestBody(doc: Json, raw: unknown): string {
  if (raw === undefined) {
    return '';
  }
  const { value } = resolve(doc, raw);
  const required = value.required === true ? ' <span class="badge">required</span>' : '';
  return `<h4>Request body${required}</h4>${markdown(value.description)}${content(doc, value.content)}`;
}

function responses(doc: Json, raw: unknown): string {
  const items = Object.entries(rec(raw)).map(([status, response]) => {
    const { value, ref } = resolve(doc, response);
    const from = ref ? ` <span class="muted">${escapeHtml(refName(ref))}</span>` : '';
    const headers = Object.entries(rec(value.headers)).map(([name, h]) => ({
      name,
      in: 'header',
      ...resolve(doc, h).value,
    }));
    const headerTable = headers.length > 0 ? paramTable(headers) : '';
    const heading = `<h5><span class="status">${escapeHtml(status)}</span>${from}</h5>`;
    const body = markdown(value.description) + headerTable + content(doc, value.content);
    return `<div class="response">${heading}${body}</div>`;
  });
  return items.length > 0 ? `<h4>Responses</h4>${items.join('')}` : '';
}

/** Lists an operation's callbacks, linking to the webhook that documents the same path item. */
function callbacks(doc: Json, o: Operation, webhooks: readonly Operation[]): string {
  const items = Object.entries(rec(o.op.callbacks)).flatMap(([name, callback]) =>
    Object.entries(rec(callback)).map(([expression, item]) => {
      const ref = text(rec(item).$ref);
      const hook = webhooks.find((w) => ref !== '' && w.itemRef === ref);
      const body = hook
        ? `documented under <a href="#${hook.id}">${escapeHtml(hook.key)}</a>`
        : operationsOf(doc, { [expression]: item }, `${o.id}-${name}`)
            .map((c) => renderOperation(doc, c, webhooks))
            .join('');
      return `<li>${code(name)}: a request to ${code(expression)}, ${body}</li>`;
    }),
  );
  return items.length > 0 ? `<h4>Callbacks</h4><ul>${items.join('')}</ul>` : '';
}

function operationsOf(doc: Json, items: unknown, prefix: string): Operation[] {
  return Object.entries(rec(items)).flatMap(([key, raw]) => {
    const { value: item, ref } = resolve(doc, raw);
    return METHODS.filter((method) => isRecord(item[method])).map((method) => {
      const op = rec(item[method]);
      const id = `${prefix}-${slug(text(op.operationId) || `${method}-${key}`)}`;
      return { key, method, op, item, itemRef: ref, id };
    });
  });
}

const serversOf = (o: Operation): Json[] => list(o.op.servers ?? o.item.servers).map(rec);
const opLink = (o: Operation): string =>
  `<a href="#${o.id}">${escapeHtml(text(o.op.operationId) || o.key)}</a>`;

function renderOperation(doc: Json, o: Operation, webhooks: readonly Operation[], note = ''): string {
  const { op, item } = o;
  const schemes = list(op.security ?? doc.security).flatMap((requirement) => Object.keys(rec(requirement)));
  const auth = schemes.map((s) => `<a href="#scheme-${slug(s)}">${escapeHtml(s)}</a>`).join(', ') || 'none';
  const meta = [
    op.operationId === undefined ? '' : `operationId ${code(op.operationId)}`,
    list(op.tags).length > 0 ? `tags: ${list(op.tags).map(escapeHtml).join(', ')}` : '',
    `auth: ${auth}`,
  ];
  const servers = serversOf(o).map((s) => `<p>Server: ${code(s.url)} ${inline(s.description)}</p>`);
  const params = [...list(item.parameters), ...list(op.parameters)].map((p) => resolve(doc, p).value);
  return [
    `<article class="op" id="${o.id}">`,
    `<h3><span class="method ${o.method}">${o.method.toUpperCase()}</span> ${code(o.key)}</h3>`,
    `<p class="muted">${meta.filter(Boolean).join(' · ')}</p>`,
    op.summary === undefined ? '' : `<p class="summary">${inline(op.summary)}</p>`,
    note,
    ...servers,
    markdown(op.description),
    params.length > 0 ? `<h4>Parameters</h4>${paramTable(params)}` : '',
    requestBody(doc, op.requestBody),
    responses(doc, op.responses),
    callbacks(doc, o, webhooks),
    '</article>',
  ].join('\n');
}

/** The webhook's note: which operations' callbacks deliver it, and to which URL expression. */
function webhookNote(ops: readonly Operation[], hook: Operation): string {
  const senders = ops.flatMap((o) =>
    Object.entries(rec(o.op.callbacks)).flatMap(([name, callback]) =>
      Object.entries(rec(callback))
        .filter(([, item]) => hook.itemRef !== undefined && rec(item).$ref === hook.itemRef)
        .map(([expression]) => `${code(expression)} (callback ${code(name)} of ${opLink(o)})`),
    ),
  );
  return senders.length > 0 ? `<p>Sent to ${senders.join(', ')}.</p>` : '';
}

function renderSchema(name: string, schema: Json): string {
  const parts = [
    schema,
    ...list(schema.allOf)
      .map(rec)
      .filter((member) => member.$ref === undefined),
  ];
  const required = new Set(parts.flatMap((part) => list(part.required)));
  const rows = parts
    .flatMap((part) => Object.entries(rec(part.properties)))
    .map(([prop, raw]) => {
      const cells = [code(prop), typeOf(raw), required.has(prop) ? 'yes' : 'no'];
      return [...cells, markdown(rec(raw).description) + constraints(raw)];
    });
  const meanings = list(schema['x-enum-descriptions']);
  const names = list(schema['x-enum-varnames']);
  const enumRows = list(schema.enum).map((value, i) => [
    `<code>${json(value)}</code>`,
    ...(names.length > 0 ? [escapeHtml(text(names[i]))] : []),
    inline(meanings[i]),
  ]);
  const title = schema.title === undefined ? '' : ` <span class="muted">${escapeHtml(schema.title)}</span>`;
  return [
    `<section class="schema" id="schema-${slug(name)}">`,
    `<h3>${escapeHtml(name)}${title}</h3>`,
    markdown(schema.description),
    `<p>Type: ${typeOf(schema)}</p>${constraints(schema)}`,
    meanings.length > 0 ? table(['Value', ...(names.length > 0 ? ['Name'] : []), 'Meaning'], enumRows) : '',
    rows.length > 0 ? table(['Property', 'Type', 'Required', 'Description'], rows) : '',
    '</section>',
  ].join('\n');
}

function serversSection(doc: Json, ops: readonly Operation[]): string {
  const rows = list(doc.servers)
    .map(rec)
    .map((s) => [code(s.url), inline(s.description), 'every operation without an override']);
  const overrides = new Map<string, { description: unknown; ops: Operation[] }>();
  for (const o of ops) {
    for (const s of serversOf(o)) {
      const entry = overrides.get(text(s.url)) ?? { description: s.description, ops: [] };
      entry.ops.push(o);
      overrides.set(text(s.url), entry);
    }
  }
  for (const [url, entry] of overrides) {
    rows.push([code(url), inline(entry.description), entry.ops.map(opLink).join(', ')]);
  }
  return `<section id="servers"><h2>Servers</h2>${table(['URL', 'Description', 'Used by'], rows)}</section>`;
}

function securitySection(doc: Json): string {
  const schemes = Object.entries(rec(rec(doc.components).securitySchemes)).map(([name, raw]) => {
    const s = rec(raw);
    const kind = [s.type, s.scheme, s.bearerFormat, s.in, s.name]
      .filter((v) => typeof v === 'string')
      .join(' ');
    const heading = `<h3 id="scheme-${slug(name)}">${escapeHtml(name)}</h3>`;
    return `${heading}<p>Type: ${code(kind)}</p>${markdown(s.description)}`;
  });
  const global = list(doc.security).flatMap((r) => Object.keys(rec(r)).map(code));
  const defaults = `<p>Every operation, unless it overrides it: ${global.join(', ') || 'none'}.</p>`;
  return `<section id="security"><h2>Security</h2>${defaults}${schemes.join('')}</section>`;
}

/** Groups operations under their first tag, declared tags first. */
function groupByTag(doc: Json, ops: readonly Operation[]): Map<string, Operation[]> {
  const groups = new Map<string, Operation[]>(list(doc.tags).map((tag) => [text(rec(tag).name), []]));
  for (const o of ops) {
    const tag = text(list(o.op.tags)[0]) || 'Other';
    groups.set(tag, [...(groups.get(tag) ?? []), o]);
  }
  return groups;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #fff; --muted: #59636e; --line: #d1d9e0;
  --code: #f3f5f7; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1;
  --line: #3d444d; --code: #161b22; --accent: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 16px/1.55 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial,
  'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 1rem 1rem 4rem; }
a { color: var(--accent); }
h1 { font-size: 1.8rem; margin: .5rem 0; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
h3, h4, h5 { margin: 1.2rem 0 .5rem; }
code, pre { font: .875em/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--code); padding: .1em .35em; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code); padding: .75rem; border-radius: 6px; white-space: pre-wrap;
  overflow-wrap: anywhere; margin: .5rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
td p { margin: 0 0 .3rem; } td ul { margin: 0; padding-left: 1.2rem; }
.scroll { overflow-x: auto; }
.muted { color: var(--muted); font-weight: normal; }
.op, .schema { border: 1px solid var(--line); border-radius: 8px; padding: 0 1rem 1rem; margin: 1.5rem 0; }
.method { display: inline-block; padding: .1em .5em; border-radius: 4px; color: #fff; background: #6e7781;
  font-size: .8em; letter-spacing: .03em; }
.method.get { background: #1a7f37; } .method.post { background: #0969da; }
.method.delete { background: #cf222e; } .method.put, .method.patch { background: #9a6700; }
.status, .badge { display: inline-block; padding: 0 .45em; border-radius: 4px;
  border: 1px solid var(--line); }
.summary { font-weight: 600; } .tag { font-size: 1.35rem; }
.chips { margin-top: .25rem; } .chip { display: inline-block; margin: .15rem .3rem 0 0; color: var(--muted); }
details { margin: .35rem 0; } summary { cursor: pointer; }
.toc ol { padding-left: 1.3rem; } .toc .inline { display: flex; flex-wrap: wrap; gap: .2rem .9rem; padding: 0;
  list-style: none; }
td:first-child { white-space: nowrap; }
@media (max-width: 600px) {
  main { padding: .75rem; } .op, .schema { padding: 0 .6rem .6rem; }
  thead { display: none; } table, tbody, tr, td { display: block; width: 100%; }
  tr { border: 1px solid var(--line); border-radius: 6px; margin-bottom: .5rem; padding: .3rem .5rem; }
  td, td:first-child { border: none; padding: .1rem 0; white-space: normal; }
  td::before { content: attr(data-label) ': '; color: var(--muted); font-size: .85em; }
}
`;

/**
 * Renders an OpenAPI 3.1 document as one self-contained, offline HTML page (inline CSS, no scripts,
 * no external resources): overview, servers, security, operations with examples, webhooks and schemas.
 * Every string from the document is HTML-escaped; descriptions support a small markdown subset.
 */
export function renderReferencePage(document: OpenApiDocument, options: ReferencePageOptions = {}): string {
  const doc: Json = document;
  const info = rec(doc.info);
  const title = options.title ?? (text(info.title) || 'API reference');
  const ops = operationsOf(doc, doc.paths, 'op');
  const webhooks = operationsOf(doc, doc.webhooks, 'webhook');
  const groups = [...groupByTag(doc, ops)].filter(([, group]) => group.length > 0);
  const schemas = Object.entries(rec(rec(doc.components).schemas)).map(
    ([name, s]) => [name, rec(s)] as const,
  );
  const tagDescription = (tag: string) =>
    markdown(rec(list(doc.tags).find((t) => rec(t).name === tag)).description);
  const links = (items: readonly Operation[]) => items.map((o) => `<li>${opLink(o)}</li>`).join('');
  const licence =
    rec(info.license).name === undefined ? '' : ` · license ${escapeHtml(rec(info.license).name)}`;
  const version = `Version ${escapeHtml(text(info.version))} · OpenAPI ${escapeHtml(text(doc.openapi))}`;
  const summary = info.summary === undefined ? '' : `<p>${inline(info.summary)}</p>`;
  const toc = [
    '<nav class="toc"><h2>Contents</h2><ol>',
    '<li><a href="#overview">Overview</a></li><li><a href="#servers">Servers</a></li>',
    '<li><a href="#security">Security</a></li><li><a href="#operations">Operations</a><ol>',
    ...groups.map(
      ([tag, group]) => `<li><a href="#tag-${slug(tag)}">${escapeHtml(tag)}</a><ol>${links(group)}</ol></li>`,
    ),
    `</ol></li><li><a href="#webhooks">Webhooks</a><ol>${links(webhooks)}</ol></li>`,
    '<li><a href="#schemas">Schemas</a><ul class="inline">',
    ...schemas.map(([name]) => `<li><a href="#schema-${slug(name)}">${escapeHtml(name)}</a></li>`),
    '</ul></li></ol></nav>',
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body><main>`,
    `<header><h1>${escapeHtml(title)}</h1>`,
    `<p class="muted">${version}${licence}</p>`,
    '<p>The document itself: <a href="/openapi.yaml">openapi.yaml</a> ·',
    '<a href="/openapi.json">openapi.json</a></p>',
    '</header>',
    ...toc,
    `<section id="overview"><h2>Overview</h2>${summary}${markdown(info.description)}</section>`,
    serversSection(doc, ops),
    securitySection(doc),
    '<section id="operations"><h2>Operations</h2>',
    ...groups.map(
      ([tag, group]) =>
        `<section id="tag-${slug(tag)}"><h3 class="tag">${escapeHtml(tag)}</h3>${tagDescription(tag)}` +
        `${group.map((o) => renderOperation(doc, o, webhooks)).join('\n')}</section>`,
    ),
    '</section><section id="webhooks"><h2>Webhooks</h2>',
    ...webhooks.map((hook) => renderOperation(doc, hook, webhooks, webhookNote(ops, hook))),
    '</section><section id="schemas"><h2>Schemas</h2>',
    ...schemas.map(([name, schema]) => renderSchema(name, schema)),
    '</section></main></body></html>',
  ].join('\n');
}
