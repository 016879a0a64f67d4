/** The spec (`/openapi.yaml`, `/openapi.json`), an offline API reference (`/reference`) and `/healthz`. */
import { spec } from '@kling-kit/contract';
import { Router } from 'express';
import { stringify } from 'yaml';
import { renderReferencePage } from '../reference-page';
import type { MockState } from '../state/mock-state';

export function metaRoutes(state: MockState, version: string): Router {
  const router = Router();
  let yamlText: string | undefined;
  let referenceHtml: string | undefined;

  router.get('/openapi.json', (_req, res) => {
    res.json(spec);
  });
  router.get('/openapi.yaml', (_req, res) => {
    yamlText ??= stringify(spec, { lineWidth: 0 });
    res.type('application/yaml').send(yamlText);
  });
  router.get('/reference', (_req, res) => {
    referenceHtml ??= renderReferencePage(spec, { title: 'Kling v2.1 Pro API reference (kling-mock)' });
    res.type('html').send(referenceHtml);
  });
  router.get('/healthz', (_req, res) => {
    res.json({
      status: 'ok',
      version,
      tasks: state.tasks.size,
      uptimeSec: Math.round(process.uptime()),
    });
  });
  return router;
}
