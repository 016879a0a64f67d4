/** The Express app of the mock: every route of the spec on one port, plus files, spec and admin API. */
import express, { type ErrorRequestHandler, type Express } from 'express';
import { MockAdmin } from './admin';
import { callbackCheck } from './drift/callback-check';
import { loadCassettes } from './drift/cassette-load';
import { CALLBACK_CHECK_PATH, createProxyTap } from './drift/proxy-tap';
import { replayRoutes } from './drift/replay';
import { crossOriginApi } from './http/cross-origin';
import { sendEnvelope } from './http/envelope';
import { isUpload, type OperationLocals, sendError } from './http/operation';
import { playgroundRoutes } from './http/playground';
import { proxyRoutes } from './http/proxy';
import { requestLog } from './http/request-log';
import type { ResolvedOptions } from './options';
import { accountRoutes } from './routes/account';
import { adminRoutes } from './routes/admin';
import { fileRoutes } from './routes/files';
import { metaRoutes } from './routes/meta';
import { taskRoutes } from './routes/tasks';
import { uploadRoutes } from './routes/uploads';
import { MockState } from './state/mock-state';

/** The app with its state and admin surface. */
export interface MockApp {
  app: Express;
  state: MockState;
  admin: MockAdmin;
}

/** The 4xx of an error Express or body-parser raised about the request itself, with a plain message. */
function clientErrorOf(error: unknown): { status: number; msg: string } | undefined {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499) {
    return undefined;
  }
  const msg =
    type === 'entity.parse.failed'
      ? 'Request body is not valid JSON'
      : type === 'entity.too.large'
        ? 'Request body too large'
        : type === 'entity.too.deep'
          ? String((error as Error).message)
          : error instanceof URIError || /decode/i.test(String((error as Error).message))
            ? 'Malformed URL: invalid percent-encoding'
            : 'Bad request';
  return { status, msg };
}

export function createMockApp(options: ResolvedOptions, version: string): MockApp {
  const state = new MockState(options);
  const admin = new MockAdmin(state);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  if (options.log) {
    app.use(requestLog(options.log));
  }
  app.use(crossOriginApi());
  const tap = createProxyTap(options, () => state.clock.now(), version);
  proxyRoutes(app, options, tap);
  if (tap?.violations) {
    app.post(CALLBACK_CHECK_PATH, callbackCheck(tap));
  }
  if (options.replay) {
    let cassettes: ReturnType<typeof loadCassettes>;
    try {
      cassettes = loadCassettes(options.replay, options.driftLog);
    } catch (error) {
      throw new Error(
        `replay: cannot read the folder ${options.replay}: ${(error as { code?: string }).code ?? 'error'}`,
      );
    }
    if (cassettes.exchanges.length === 0) {
      options.driftLog(
        `kling-mock: replay: no recorded exchange in ${options.replay}; every API call answers 404`,
      );
    }
    replayRoutes(app, cassettes, state.clock);
  }
  taskRoutes(app, state);
  accountRoutes(app, state);
  uploadRoutes(app, state);
  fileRoutes(app, state);
  if (options.admin) {
    app.use(adminRoutes(admin, { host: options.host, token: options.adminToken }, tap?.violations));
  }
  metaRoutes(app, state, version);
  playgroundRoutes(app, options);
  app.use((_req, res) => {
    sendEnvelope(res, 404, { msg: 'Not found', mirror: true });
  });
  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    const operation = (res.locals as Partial<OperationLocals>).operation;
    const clientError = clientErrorOf(error);
    if (clientError) {
      // The request's own fault (bad JSON, bad percent-encoding, too large): its 4xx, never a 500.
      if (operation) {
        sendError(state, res, operation, isUpload(operation) ? 400 : 422, { msg: clientError.msg });
      } else {
        res.status(clientError.status).json({ code: clientError.status, msg: clientError.msg, data: null });
      }
      return;
    }
    // Never a stack trace in the answer; one line on stderr without request data.
    console.error(
      `kling-mock: ${req.method} ${req.path} failed: ${error instanceof Error ? error.message : 'error'}`,
    );
    if (operation) {
      sendError(state, res, operation, 500, { msg: 'Server Error - the mock failed to handle this request' });
    } else {
      sendEnvelope(res, 500, { msg: 'Server Error', mirror: true });
    }
  };
  app.use(onError);
  return { app, state, admin };
}
