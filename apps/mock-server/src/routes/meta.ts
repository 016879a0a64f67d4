/** The spec (`/openapi.yaml`, `/openapi.json`), the API reference (`/reference`) and `/healthz`. */
import { spec } from '@kling-kit/contract';
import type { Express } from 'express';
import { referenceRoutes } from '../http/reference';
import type { MockState } from '../state/mock-state';

export function metaRoutes(app: Express, state: MockState, version: string): void {
  let yamlText: string | undefined;

  app.get('/openapi.json', (_req, res) => {
    res.json(spec);
  });
  app.get('/openapi.yaml', async (_req, res) => {
    // Loaded on first use: the yaml package would add ~20 ms to every cold start.
    yamlText ??= (await import('yaml')).stringify(spec, { lineWidth: 0 });
    res.type('application/yaml').send(yamlText);
  });
  referenceRoutes(app);
  app.get('/healthz', (_req, res) => {
    res.json({
      status: 'ok',
      version,
      tasks: state.tasks.size,
      uptimeSec: Math.round(process.uptime()),
    });
  });
}
