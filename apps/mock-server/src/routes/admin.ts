/**
 * The admin API under `/__admin`: a local test tool, kept to loopback and its own origin by
 * `adminGuard` (a bearer token when it listens elsewhere). Answers use the same
 * `{code, msg, data}` envelope, with real HTTP statuses. Endpoints are listed by `GET /__admin`.
 */
import { taskStates } from '@kling-kit/contract';
import express, { type Request, type Response, Router } from 'express';
import { type MockAdmin, NotFoundError } from '../admin';
import type { ViolationLog } from '../drift/violations';
import { type AdminGuardOptions, adminGuard } from '../http/admin-guard';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../http/json-depth';
import { DeliveryCapError } from '../state/callbacks';
import { TaskAlreadyFinalError } from '../state/tasks';
import { parseTiming } from '../state/timing';

const ENDPOINTS = {
  'GET /__admin/tasks?state=&accountId=': 'List live tasks with their schedule, outcome and record',
  'GET /__admin/tasks/:taskId': 'One task with its callback deliveries',
  'POST /__admin/tasks/:taskId/state':
    'Force a state {state, failCode?, failMsg?}: success/fail end it now; others hold it',
  'POST /__admin/tasks/:taskId/outcome': 'Decide how it ends {outcome: success|fail, failCode?, failMsg?}',
  'POST /__admin/tasks/:taskId/resume': 'Let a held task go on',
  'POST /__admin/tasks/:taskId/callback': 'Send its callback again now',
  'GET /__admin/clock': 'The mock clock {now, offsetMs}',
  'POST /__admin/clock/advance': 'Move the clock forward {ms}: transitions, callbacks and retries fall due',
  'GET /__admin/faults': 'Scripted faults still to happen',
  'POST /__admin/faults':
    'Script a fault {operation, taskId?, accountId?, times?, after?, code?, msg?, httpStatus?, rawBody?, delayMs?, drop?, retryAfterSec?}',
  'DELETE /__admin/faults/:faultId': 'Remove one fault',
  'DELETE /__admin/faults': 'Remove every fault',
  'GET /__admin/callbacks?taskId=': 'The callback delivery log',
  'POST /__admin/callbacks/:deliveryId/redeliver': 'Send a logged delivery again',
  'GET /__admin/accounts': 'Accounts (by hashed id, never the key) with credits',
  'POST /__admin/credits': 'Set a balance {apiKey or accountId, credits}',
  'GET /__admin/config': 'Runtime settings',
  'PATCH /__admin/config': 'Change {timing, failRate, rateLimit, httpStatusMirror}',
  'POST /__admin/reset': 'Forget tasks, files, accounts, faults and deliveries',
  'GET /__admin/violations':
    'What --validate found: answers of the real API that differ from the spec (key redacted)',
  'DELETE /__admin/violations': 'Forget the violations found so far',
};

function answer(res: Response, run: () => unknown): void {
  try {
    res.status(200).json({ code: 200, msg: 'success', data: run() ?? null });
  } catch (error) {
    const status =
      error instanceof NotFoundError
        ? 404
        : error instanceof TaskAlreadyFinalError
          ? 409
          : error instanceof DeliveryCapError
            ? 429
            : error instanceof Error
              ? 400
              : 500;
    res.status(status).json({
      code: status,
      msg: error instanceof Error ? error.message : 'Admin request failed',
      data: null,
    });
  }
}

const body = (req: Request): Record<string, unknown> =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body)
    ? (req.body as Record<string, unknown>)
    : {};

const failureOf = (input: Record<string, unknown>) => {
  const failure: { failCode?: string | number; failMsg?: string } = {};
  if (typeof input.failCode === 'string' || typeof input.failCode === 'number') {
    failure.failCode = input.failCode;
  }
  if (typeof input.failMsg === 'string') {
    failure.failMsg = input.failMsg;
  }
  return failure;
};

/** The admin API; `violations` is what `--validate` found (absent without it). */
export function adminRoutes(admin: MockAdmin, guard: AdminGuardOptions, violations?: ViolationLog): Router {
  const router = Router();
  router.use('/__admin', adminGuard(guard));
  router.use(
    '/__admin',
    express.json({
      limit: '1mb',
      verify: (_req, _res, buffer) => {
        if (nestsDeeperThan(buffer.toString('utf8'))) {
          throw Object.assign(new Error(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`), {
            status: 400,
            type: 'entity.too.deep',
          });
        }
      },
    }),
  );
  const taskId = (req: Request) => String(req.params.taskId);

  router.get('/__admin', (_req, res) => answer(res, () => ({ endpoints: ENDPOINTS })));
  router.get('/__admin/tasks', (req, res) =>
    answer(res, () => {
      const state = typeof req.query.state === 'string' ? req.query.state : undefined;
      if (state !== undefined && !(taskStates as readonly string[]).includes(state)) {
        throw new Error(`state must be one of ${taskStates.join(', ')}`);
      }
      const accountId = typeof req.query.accountId === 'string' ? req.query.accountId : undefined;
      return admin.tasks({
        ...(state ? { state: state as never } : {}),
        ...(accountId ? { accountId } : {}),
      });
    }),
  );
  router.get('/__admin/tasks/:taskId', (req, res) => answer(res, () => admin.task(taskId(req))));
  router.post('/__admin/tasks/:taskId/state', (req, res) =>
    answer(res, () => {
      const input = body(req);
      if (!(taskStates as readonly unknown[]).includes(input.state)) {
        throw new Error(`state must be one of ${taskStates.join(', ')}`);
      }
      return admin.forceState(taskId(req), input.state as never, failureOf(input));
    }),
  );
  router.post('/__admin/tasks/:taskId/outcome', (req, res) =>
    answer(res, () => {
      const input = body(req);
      if (input.outcome !== 'success' && input.outcome !== 'fail') {
        throw new Error('outcome must be "success" or "fail"');
      }
      return admin.setOutcome(taskId(req), input.outcome, failureOf(input));
    }),
  );
  router.post('/__admin/tasks/:taskId/resume', (req, res) => answer(res, () => admin.resume(taskId(req))));
  router.post('/__admin/tasks/:taskId/callback', (req, res) =>
    answer(res, () => admin.sendCallback(taskId(req))),
  );

  router.get('/__admin/clock', (_req, res) => answer(res, () => admin.clock()));
  router.post('/__admin/clock/advance', (req, res) =>
    answer(res, () => {
      const ms = Number(body(req).ms);
      if (!(Number.isFinite(ms) && ms >= 0)) {
        throw new Error('ms must be a non-negative number');
      }
      return admin.advanceClock(ms);
    }),
  );

  router.get('/__admin/faults', (_req, res) => answer(res, () => admin.faults()));
  router.post('/__admin/faults', (req, res) => answer(res, () => admin.addFault(body(req) as never)));
  router.delete('/__admin/faults/:faultId', (req, res) =>
    answer(res, () => admin.removeFault(String(req.params.faultId))),
  );
  router.delete('/__admin/faults', (_req, res) => answer(res, () => admin.clearFaults()));

  router.get('/__admin/callbacks', (req, res) =>
    answer(res, () => admin.deliveries(typeof req.query.taskId === 'string' ? req.query.taskId : undefined)),
  );
  router.post('/__admin/callbacks/:deliveryId/redeliver', (req, res) =>
    answer(res, () => admin.redeliver(String(req.params.deliveryId))),
  );

  router.get('/__admin/accounts', (_req, res) => answer(res, () => admin.accounts()));
  router.post('/__admin/credits', (req, res) =>
    answer(res, () => {
      const input = body(req);
      const target: { apiKey?: string; accountId?: string } = {};
      if (typeof input.apiKey === 'string') {
        target.apiKey = input.apiKey;
      }
      if (typeof input.accountId === 'string') {
        target.accountId = input.accountId;
      }
      return admin.setCredits(target, Number(input.credits));
    }),
  );

  router.get('/__admin/config', (_req, res) => answer(res, () => admin.configure({})));
  router.patch('/__admin/config', (req, res) =>
    answer(res, () => {
      const input = body(req);
      return admin.configure({
        ...(typeof input.timing === 'string' ? { timing: parseTiming(input.timing) } : {}),
        ...(typeof input.failRate === 'number' ? { failRate: input.failRate } : {}),
        ...(typeof input.rateLimit === 'boolean' ? { rateLimit: input.rateLimit } : {}),
        ...(typeof input.httpStatusMirror === 'boolean' ? { httpStatusMirror: input.httpStatusMirror } : {}),
      });
    }),
  );
  router.post('/__admin/reset', (_req, res) => answer(res, () => admin.reset()));

  const validating = (): ViolationLog => {
    if (!violations) {
      throw new NotFoundError('Violations are collected with --proxy URL --validate');
    }
    return violations;
  };
  router.get('/__admin/violations', (_req, res) => answer(res, () => validating().list()));
  router.delete('/__admin/violations', (_req, res) => answer(res, () => validating().clear()));
  return router;
}
