import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPlaygroundDir } from '../src/http/playground';
import type { RunningMockServer } from '../src/index';
import { startTestMock } from './helpers';

let root: string;
let build: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kling-playground-'));
  build = join(root, 'apps', 'playground', 'dist');
  mkdirSync(join(build, 'assets'), { recursive: true });
  writeFileSync(join(build, 'index.html'), '<!doctype html><title>Kling playground</title>');
  writeFileSync(join(build, 'assets', 'index-abc123.js'), 'console.info("hi");');
  writeFileSync(join(root, 'apps', 'playground', 'package.json'), '{"name":"@kling-kit/playground"}');
  mkdirSync(join(root, 'apps', 'mock-server', 'dist'), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the playground', () => {
  it('is found next to the mock in the monorepo, and not elsewhere', () => {
    expect(findPlaygroundDir(join(root, 'apps', 'mock-server', 'dist'))).toBe(build);
    expect(findPlaygroundDir(join(root, 'apps', 'mock-server'))).toBe(build);
    const lonely = mkdtempSync(join(tmpdir(), 'kling-no-playground-'));
    try {
      expect(findPlaygroundDir(lonely)).toBeUndefined();
      // Another package that happens to be called "playground" is not ours.
      mkdirSync(join(lonely, 'playground', 'dist'), { recursive: true });
      writeFileSync(join(lonely, 'playground', 'dist', 'index.html'), '<!doctype html>');
      writeFileSync(join(lonely, 'playground', 'package.json'), '{"name":"playground"}');
      expect(findPlaygroundDir(join(lonely, 'x'))).toBeUndefined();
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });

  describe('served', () => {
    let mock: RunningMockServer;
    beforeAll(async () => {
      mock = await startTestMock({ playgroundDir: build });
    });
    afterAll(() => mock.close());

    it('answers / with the page and fingerprinted assets with a long cache', async () => {
      const page = await fetch(`${mock.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('Kling playground');
      const asset = await fetch(`${mock.url}/assets/index-abc123.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect(await asset.text()).toContain('console.info');
    });

    it('keeps the API, the reference and the envelope 404 for unknown paths', async () => {
      expect((await fetch(`${mock.url}/reference`)).status).toBe(200);
      const missing = await fetch(`${mock.url}/assets/nope.js`);
      expect(missing.status).toBe(404);
      const credit = await fetch(`${mock.url}/api/v1/chat/credit`, {
        headers: { Authorization: 'Bearer k' },
      });
      expect(((await credit.json()) as { code: number }).code).toBe(200);
    });

    it('tells the page there is no proxy', async () => {
      const config = await fetch(`${mock.url}/__playground`).then((r) => r.json());
      expect(config).toEqual({ proxyTarget: null, proxyHasKey: false });
    });
  });

  it('without a build, / redirects to the reference', async () => {
    const mock = await startTestMock({ playgroundDir: join(root, 'missing') });
    try {
      const answer = await fetch(`${mock.url}/`, { redirect: 'manual' });
      expect(answer.status).toBe(302);
      expect(answer.headers.get('location')).toBe('/reference');
    } finally {
      await mock.close();
    }
  });
});
