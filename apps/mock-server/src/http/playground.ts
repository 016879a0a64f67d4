/**
 * The playground (`@kling-kit/playground`, a static Vite build) served at `/`, plus
 * `GET /__playground`, which tells the page what this server offers (the proxy target, if any, and
 * the token the page sends on proxy calls).
 * Without a playground build, `/` redirects to the API reference.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { ResolvedOptions } from '../options';
import { crossOriginProblem, proxyTokenOf } from './proxy-guard';

/** What `GET /__playground` answers. */
export interface PlaygroundConfig {
  /** The kie.ai API that `/proxy/api/*` forwards to, or null without `--proxy`. */
  proxyTarget: string | null;
  /** Whether the proxy adds a server-side key (the page then needs none). */
  proxyHasKey: boolean;
  /**
   * What the page sends in `X-Kling-Proxy-Token` on every proxy call: random per start. Only with
   * `--proxy`, and only to a page of this server (this answer has no CORS, and a request a browser
   * marks as coming from elsewhere gets no token).
   */
  proxyToken?: string;
}

function isPlaygroundPackage(dir: string): boolean {
  try {
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return name === '@kling-kit/playground';
  } catch {
    return false;
  }
}

/**
 * Finds the playground build next to the mock in this monorepo (`apps/playground/dist`), looking
 * up from `from` (the mock's own folder). The published package has no playground: undefined.
 */
export function findPlaygroundDir(
  from: string = dirname(fileURLToPath(import.meta.url)),
): string | undefined {
  let dir = resolve(from);
  for (let level = 0; level < 4; level++) {
    const candidate = join(dir, 'playground', 'dist');
    if (existsSync(join(candidate, 'index.html')) && isPlaygroundPackage(join(dir, 'playground'))) {
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      break;
    }
    dir = parent;
  }
  return undefined;
}

/** Mounts the playground (when `options.playgroundDir` holds a build) and its config endpoint. */
export function playgroundRoutes(app: Express, options: ResolvedOptions): void {
  app.get('/__playground', (req, res) => {
    const config: PlaygroundConfig = {
      proxyTarget: options.proxy ?? null,
      proxyHasKey: Boolean(options.proxy && options.proxyApiKey),
    };
    if (options.proxy && !crossOriginProblem(req.headers, options)) {
      config.proxyToken = proxyTokenOf(app);
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.json(config);
  });
  const dir = options.playgroundDir;
  const index = dir ? join(dir, 'index.html') : undefined;
  if (!dir || !index || !existsSync(index)) {
    app.get('/', (_req, res) => {
      res.redirect(302, '/reference');
    });
    return;
  }
  app.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  // Vite fingerprints everything under assets/, so those files never change under their names.
  app.use(
    '/assets',
    express.static(join(dir, 'assets'), { index: false, immutable: true, maxAge: '1y', fallthrough: true }),
  );
}
