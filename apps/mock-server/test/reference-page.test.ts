import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spec } from '@kling-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_CSP } from '../src/http/reference';
import type { RunningMockServer } from '../src/index';
import { startTestMock } from './helpers';

const require = createRequire(import.meta.url);
const redocBundle = readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8');
const CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';

let mock: RunningMockServer;
let answer: Response;
let page: string;

beforeAll(async () => {
  mock = await startTestMock();
  answer = await fetch(`${mock.url}/reference`);
  page = await answer.text();
});
afterAll(() => mock.close());

/** The `src` of every script and the `href` of every stylesheet or icon the page loads. */
const assetsOf = (html: string): string[] =>
  [...html.matchAll(/<(?:script|link|img|iframe|source)\b[^>]*\s(?:src|href)="([^"]*)"/gi)].map(
    (match) => match[1] ?? '',
  );

describe('/reference', () => {
  it('serves an HTML page named after the API', () => {
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<meta name="viewport"');
    expect(page).toContain('<title>Kling video API reference (kling-mock)</title>');
    expect(spec.info.title).toContain('Kling');
  });

  it('renders /openapi.json with Redoc, and links to the documents for browsers without JavaScript', () => {
    expect(page).toMatch(/<redoc spec-url="\/openapi\.json"[^>]*><\/redoc>/);
    expect(page).toContain('<noscript>');
    expect(page).toContain('href="/openapi.yaml"');
    expect(page).toContain('href="/openapi.json"');
  });

  it('loads its only script, Redoc’s standalone bundle, from the mock itself', async () => {
    const assets = assetsOf(page);
    expect(assets).toEqual([expect.stringMatching(/^\/reference\/redoc\.standalone\.[0-9a-f]{12}\.js$/)]);
    const script = await fetch(`${mock.url}${assets[0]}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('cache-control')).toContain('immutable');
    // Redoc's own bundle, byte for byte, but for the logo URL (next test).
    const [before = '', after = ''] = redocBundle.split(CDN_LOGO);
    const body = await script.text();
    expect(body.startsWith(before)).toBe(true);
    expect(body.endsWith(after)).toBe(true);
    expect(body.length - redocBundle.length).toBeLessThan(100);
  });

  it('works offline: the bundle’s one CDN image is replaced, and the CSP allows only the mock', async () => {
    expect(redocBundle.split(CDN_LOGO)).toHaveLength(2);
    const body = await (await fetch(`${mock.url}${assetsOf(page)[0]}`)).text();
    expect(body).not.toContain('cdn.redoc.ly');
    expect(answer.headers.get('content-security-policy')).toBe(REFERENCE_CSP);
    expect(REFERENCE_CSP).toContain("default-src 'none'");
    expect(REFERENCE_CSP).toContain("script-src 'self';");
    expect(REFERENCE_CSP).toContain("connect-src 'self';");
    // No host but the mock's: no scheme or domain anywhere in the policy.
    expect(REFERENCE_CSP).not.toMatch(/https?:|\*|\.[a-z]/i);
    expect(page).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
  });

  it('answers 404 for other files under /reference, and leaves /openapi.json as it was', async () => {
    const other = await fetch(`${mock.url}/reference/redoc.standalone.000000000000.js`);
    expect(other.status).toBe(404);
    await other.body?.cancel();
    expect(await (await fetch(`${mock.url}/openapi.json`)).json()).toEqual(spec);
  });
});
