/**
 * The API reference at `/reference`: Redoc's standalone bundle (the `redoc` package) rendering
 * `/openapi.json` in the browser. The mock serves the bundle itself, so the page works offline.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';

/** The path of the reference page. */
export const REFERENCE_PATH = '/reference';

const TITLE = 'Kling video API reference (kling-mock)';

/**
 * What the page may load: scripts only from the mock, the spec only from the mock. Redoc needs
 * inline styles (styled-components), a `blob:` worker (its search index) and `data:` images.
 */
export const REFERENCE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Redoc's sidebar credit loads its logo from Redocly's CDN, the bundle's only request to another
 * host. The mock serves the bundle with that image replaced by an empty inline SVG.
 */
const CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";

interface RedocBundle {
  /** The bundle's path under {@link REFERENCE_PATH}, named by its content so browsers may cache it for good. */
  readonly path: string;
  readonly body: Buffer;
}

let bundle: RedocBundle | undefined;

/**
 * Where Redoc's standalone bundle is: copied next to the build at `tsdown` time (the published
 * package ships that one file, not `redoc` and its dependencies), else, running from the sources,
 * in the `redoc` devDependency.
 */
function redocBundleFile(): string {
  const copied = fileURLToPath(new URL('./redoc.standalone.js', import.meta.url));
  return existsSync(copied)
    ? copied
    : createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
}

/** Reads Redoc's standalone bundle, once, on first use (not at start). */
function redocBundle(): RedocBundle {
  if (!bundle) {
    const file = redocBundleFile();
    const body = Buffer.from(readFileSync(file, 'utf8').replaceAll(CDN_LOGO, EMPTY_SVG));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    bundle = { path: `${REFERENCE_PATH}/redoc.standalone.${hash}.js`, body };
  }
  return bundle;
}

/** The page: Redoc's `<redoc>` element, which the bundle finds and fills from `spec-url`. */
function referencePage(scriptPath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title>
<style>body { margin: 0; }</style>
</head>
<body>
<noscript><p>The reference needs JavaScript. The document itself:
<a href="/openapi.yaml">openapi.yaml</a> · <a href="/openapi.json">openapi.json</a></p></noscript>
<redoc spec-url="/openapi.json" expand-responses="200" required-props-first></redoc>
<script src="${scriptPath}"></script>
</body>
</html>
`;
}

/** Mounts `/reference` and the Redoc bundle it loads. */
export function referenceRoutes(app: Express): void {
  app.get(REFERENCE_PATH, (_req, res) => {
    res.setHeader('Content-Security-Policy', REFERENCE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(referencePage(redocBundle().path));
  });
  app.get(`${REFERENCE_PATH}/:file`, (req, res, next) => {
    const { path, body } = redocBundle();
    if (req.path !== path) {
      next();
      return;
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type('text/javascript').send(body);
  });
}
