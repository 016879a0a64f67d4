/**
 * createTask and recordInfo, for every Kling model of the spec: the body is validated against its
 * model's request schema, priced from the catalog, and run with the model's timing.
 */
import {
  findModel,
  formatIssues,
  UNKNOWN_MODEL_MESSAGE,
  validateCreateTaskRequest,
} from '@kling-kit/contract';
import type { Express } from 'express';
import { isLoopbackHost } from '../http/admin-guard';
import { sendEnvelope } from '../http/envelope';
import { jsonBody } from '../http/json-body';
import { type OperationLocals, operationSteps } from '../http/operation';
import type { MockState } from '../state/mock-state';
import { roundCredits, taskSpecOf } from '../state/task-spec';

/** createTask bodies above 1 MB are refused (a prompt is at most 5000 characters). */
export const CREATE_TASK_BODY_LIMIT = 1024 * 1024;

/** Whether a callback URL would land on this mock's admin API (by a loopback name or its public URL). */
function targetsOwnAdmin(state: MockState, callBackUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(callBackUrl);
  } catch {
    return false;
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname).toLowerCase();
  } catch {
    path = url.pathname.toLowerCase();
  }
  const ownHost = new URL(state.settings.publicUrl).hostname;
  return path.startsWith('/__admin') && (isLoopbackHost(url.hostname) || url.hostname === ownHost);
}

export function taskRoutes(app: Express, state: MockState): void {
  const mirror = () => state.settings.httpStatusMirror;

  app.post(
    '/api/v1/jobs/createTask',
    operationSteps(state, 'createTask'),
    jsonBody(state, 'createTask', CREATE_TASK_BODY_LIMIT),
    (req, res) => {
      const { account } = res.locals as OperationLocals;
      const model = (req.body as { model?: unknown } | null)?.model;
      if (typeof model === 'string' && !findModel(model)) {
        // kie.ai's own answer to a model it does not serve (clients match this text). The
        // deprecated avatar aliases are served: they validate and run as their current model.
        sendEnvelope(res, 422, { msg: UNKNOWN_MODEL_MESSAGE, mirror: mirror() });
        return;
      }
      const result = validateCreateTaskRequest(req.body);
      if (!result.ok) {
        sendEnvelope(res, 422, { msg: formatIssues(result.issues), mirror: mirror() });
        return;
      }
      if (result.value.callBackUrl && targetsOwnAdmin(state, result.value.callBackUrl)) {
        sendEnvelope(res, 422, {
          msg: "callBackUrl must not point at the mock's own admin API",
          mirror: mirror(),
        });
        return;
      }
      const spec = taskSpecOf(result.value);
      if (!spec) {
        // Unreachable: the validator knows exactly the catalog's models (and aliases).
        sendEnvelope(res, 422, { msg: UNKNOWN_MODEL_MESSAGE, mirror: mirror() });
        return;
      }
      const { cost } = spec;
      const available = roundCredits(account.credits - account.reserved);
      if (available < cost) {
        sendEnvelope(res, 402, {
          msg: `Credits insufficient: this task needs ${cost} credits and the available balance is ${available}`,
          mirror: mirror(),
        });
        return;
      }
      const task = state.tasks.create(account, result.value, spec);
      sendEnvelope(res, 200, { msg: 'success', data: { taskId: task.taskId }, mirror: mirror() });
    },
  );

  app.get('/api/v1/jobs/recordInfo', operationSteps(state, 'getTaskRecord'), (req, res) => {
    const { account } = res.locals as OperationLocals;
    const taskId = req.query.taskId;
    if (typeof taskId !== 'string' || taskId.trim() === '') {
      sendEnvelope(res, 400, { msg: 'taskId parameter is required', mirror: mirror() });
      return;
    }
    const task = state.tasks.get(taskId, account);
    if (!task) {
      sendEnvelope(res, 422, { msg: 'recordInfo is null', mirror: mirror() });
      return;
    }
    sendEnvelope(res, 200, { msg: 'success', data: state.tasks.record(task), mirror: mirror() });
  });
}
