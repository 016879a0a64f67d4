/**
 * The control surface for test authors: inspect and steer tasks, move the clock, script faults, read
 * and redeliver callbacks, set credits, reset. The same methods back the HTTP admin API (`/__admin`).
 */
import type { TaskRecord, TaskState } from '@kling-kit/contract';
import type { DeliveryAttempt } from './state/callbacks';
import type { Fault, FaultSpec } from './state/faults';
import type { MockState } from './state/mock-state';
import type { ResultVideoSpec } from './state/result-video';
import type { Task } from './state/tasks';
import { callbackRetryDelays, type Timing } from './state/timing';

/** A task as the admin API shows it: the record plus what the mock plans for it. */
export interface TaskView {
  taskId: string;
  accountId: string;
  state: TaskState;
  /** The model id as sent (a deprecated alias stays as sent). */
  model: string;
  /** The video's length in seconds, as a string ("5", "10", …): the duration input or the model's assumed length. */
  duration: string;
  /** The result video served on success: length in seconds, aspect ratio, sound. */
  video: ResultVideoSpec;
  /** What the task costs on success, in credits (`creditsCharged` once charged). */
  price: number;
  callBackUrl: string | null;
  /** Mock-clock times at which the task enters each state. */
  schedule: { createTime: number; queuingAt: number; generatingAt: number; endAt: number };
  /** The state the task is held in by `forceState`, if any. */
  heldIn: TaskState | null;
  /** How it will end (or ended). */
  outcome: { state: 'success' | 'fail'; failCode?: string | number; failMsg?: string };
  creditsCharged: number;
  record: TaskRecord;
}

/** An account as the admin API shows it (never its key). */
export interface AccountView {
  accountId: string;
  credits: number;
  reserved: number;
}

/** Settings that can change while the mock runs. */
export interface RuntimeSettings {
  timing?: Timing;
  failRate?: number;
  rateLimit?: boolean;
  httpStatusMirror?: boolean;
}

/** One clock advance moves at most a year; the clock runs at most 100 years ahead (dates stay valid). */
export const MAX_CLOCK_ADVANCE_MS = 365 * 86_400_000;
const MAX_CLOCK_OFFSET_MS = 100 * MAX_CLOCK_ADVANCE_MS;

/** Thrown for an admin request about something that does not exist (HTTP 404 on `/__admin`). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

type Failure = { failCode?: string | number; failMsg?: string };

export class MockAdmin {
  constructor(private readonly state: MockState) {}

  /** Every live task, oldest first, optionally filtered. */
  tasks(filter: { state?: TaskState; accountId?: string } = {}): TaskView[] {
    return this.state.tasks
      .list()
      .filter((task) => !filter.accountId || task.account.id === filter.accountId)
      .map((task) => this.view(task))
      .filter((view) => !filter.state || view.state === filter.state);
  }

  /** One task with its callback deliveries. */
  task(taskId: string): TaskView & { deliveries: DeliveryAttempt[] } {
    return { ...this.view(this.find(taskId)), deliveries: this.state.callbacks.deliveries(taskId) };
  }

  /** Forces a state now: `success`/`fail` end the task at once (credits, callback); others hold it there. */
  forceState(taskId: string, state: TaskState, failure?: Failure): TaskView {
    const task = this.find(taskId);
    this.state.tasks.force(task, state, failure);
    return this.view(task);
  }

  /** Decides how a running task will end, keeping its timing. */
  setOutcome(taskId: string, outcome: 'success' | 'fail', failure?: Failure): TaskView {
    const task = this.find(taskId);
    this.state.tasks.setOutcome(task, outcome, failure);
    return this.view(task);
  }

  /** Lets a held task go on from where it is held. */
  resume(taskId: string): TaskView {
    const task = this.find(taskId);
    this.state.tasks.resume(task);
    return this.view(task);
  }

  /** Sends a finished task's callback again now (a manual delivery with its own retries). */
  sendCallback(taskId: string): DeliveryAttempt[] {
    const task = this.find(taskId);
    if (!this.state.sendCallback(task, 'manual')) {
      throw new NotFoundError(
        task.callBackUrl ? `Task ${taskId} has not finished yet` : `Task ${taskId} has no callBackUrl`,
      );
    }
    return this.state.callbacks.deliveries(taskId);
  }

  /** Moves the mock clock forward, running every transition, callback and retry that falls due. */
  advanceClock(ms: number): { now: number; offsetMs: number } {
    if (!(Number.isFinite(ms) && ms >= 0 && ms <= MAX_CLOCK_ADVANCE_MS)) {
      throw new RangeError(`ms must be a number from 0 to ${MAX_CLOCK_ADVANCE_MS} (a year)`);
    }
    if (this.state.clock.offsetMs() + ms > MAX_CLOCK_OFFSET_MS) {
      throw new RangeError('The mock clock may run at most 100 years ahead of the wall clock');
    }
    this.state.clock.advance(ms);
    return this.clock();
  }

  /** The mock clock: its time (Unix ms) and how far it runs ahead of the wall clock. */
  clock(): { now: number; offsetMs: number } {
    return { now: this.state.clock.now(), offsetMs: this.state.clock.offsetMs() };
  }

  /** Scripts a fault for the next matching request(s). */
  addFault(spec: FaultSpec): Fault {
    return this.state.faults.add(spec);
  }

  /** The faults still waiting to happen. */
  faults(): Fault[] {
    return this.state.faults.list();
  }

  removeFault(id: string): void {
    if (!this.state.faults.remove(id)) {
      throw new NotFoundError(`No fault ${id}`);
    }
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  /** The callback delivery log, oldest first. */
  deliveries(taskId?: string): DeliveryAttempt[] {
    return this.state.callbacks.deliveries(taskId);
  }

  /** Sends a logged delivery again. */
  redeliver(deliveryId: string): DeliveryAttempt {
    const original = this.state.callbacks.redeliver(deliveryId);
    if (!original) {
      throw new NotFoundError(`No delivery ${deliveryId}`);
    }
    return original;
  }

  /** Resolves when no callback delivery is in flight. */
  settleCallbacks(): Promise<void> {
    return this.state.callbacks.settle();
  }

  /** Every account opened so far. */
  accounts(): AccountView[] {
    return this.state.accounts.list().map((account) => ({
      accountId: account.id,
      credits: account.credits,
      reserved: account.reserved,
    }));
  }

  /** Sets an account's balance, by API key (opening the account) or by account id. */
  setCredits(target: { apiKey?: string; accountId?: string }, credits: number): AccountView {
    if (!(Number.isFinite(credits) && credits >= 0)) {
      throw new RangeError('credits must be a non-negative number');
    }
    const account = target.apiKey
      ? this.state.accounts.authenticate(target.apiKey)
      : target.accountId
        ? this.state.accounts.byId(target.accountId)
        : undefined;
    if (!account) {
      throw new NotFoundError(target.apiKey ? 'This API key is not accepted by the mock' : 'No such account');
    }
    account.credits = credits;
    return { accountId: account.id, credits: account.credits, reserved: account.reserved };
  }

  /** Changes settings while the mock runs; returns them all. */
  configure(settings: RuntimeSettings): Required<RuntimeSettings> {
    const current = this.state.settings;
    if (settings.failRate !== undefined) {
      if (!(settings.failRate >= 0 && settings.failRate <= 1)) {
        throw new RangeError('failRate must be between 0 and 1');
      }
      current.failRate = settings.failRate;
    }
    if (settings.timing !== undefined) {
      current.timing = settings.timing;
      current.retryDelaysMs = callbackRetryDelays(settings.timing);
    }
    if (settings.rateLimit !== undefined) {
      current.rateLimit = settings.rateLimit;
    }
    if (settings.httpStatusMirror !== undefined) {
      current.httpStatusMirror = settings.httpStatusMirror;
    }
    return {
      timing: current.timing,
      failRate: current.failRate,
      rateLimit: current.rateLimit,
      httpStatusMirror: current.httpStatusMirror,
    };
  }

  /** Forgets tasks, files, accounts, faults and deliveries; ids go on from a new seeded stream (never repeated). */
  reset(): void {
    this.state.reset();
  }

  private find(taskId: string): Task {
    const task = this.state.tasks.get(taskId);
    if (!task) {
      throw new NotFoundError(`No task ${taskId}`);
    }
    return task;
  }

  private view(task: Task): TaskView {
    const { outcome } = task;
    return {
      taskId: task.taskId,
      accountId: task.account.id,
      state: this.state.tasks.stateOf(task),
      model: task.model,
      duration: String(task.video.seconds),
      video: { ...task.video },
      price: task.cost,
      callBackUrl: task.callBackUrl ?? null,
      schedule: {
        createTime: task.createTime,
        queuingAt: task.queuingAt,
        generatingAt: task.generatingAt,
        endAt: task.endAt,
      },
      heldIn: task.held?.state ?? null,
      outcome: outcome.state === 'fail' ? { ...outcome } : { state: 'success' },
      creditsCharged: task.charged,
      record: this.state.tasks.record(task),
    };
  }
}
