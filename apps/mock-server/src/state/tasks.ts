/**
 * The tasks of the mock and their lifecycle: `waiting → queuing → generating → success | fail` on the
 * mock clock. A task's state is computed from its schedule when read; one timer per task completes it
 * (charges credits on success, fires the callback) exactly once.
 */
import type { CreateTaskRequest, ModelFacts, TaskRecord, TaskState } from '@kling-kit/contract';
import type { Account } from './accounts';
import type { CancelTimer, MockClock } from './clock';
import { FAILURE_REASONS } from './failures';
import type { Random } from './random';
import type { ResultVideoSpec } from './result-video';
import { roundCredits, type TaskSpec } from './task-spec';
import { planStateDurations, type StateDurations, type TaskTimingFacts, type Timing } from './timing';

/** How a task ends. */
export type TaskOutcome =
  | { readonly state: 'success' }
  | { readonly state: 'fail'; readonly failCode: string | number; readonly failMsg: string };

type PendingState = Exclude<TaskState, 'success' | 'fail'>;

/** One task as the mock holds it. */
export interface Task {
  readonly taskId: string;
  readonly account: Account;
  /** The model id as sent (a deprecated alias stays as sent). */
  readonly model: string;
  /** The model's catalog entry (an alias's current model). */
  readonly facts: ModelFacts;
  /** The create request exactly as received, JSON-encoded (the record's `param`). */
  readonly param: string;
  /** The result video: its length in seconds drives the timing, the whole spec the MP4 served. */
  readonly video: ResultVideoSpec;
  readonly callBackUrl: string | undefined;
  readonly createTime: number;
  /** The price in credits, charged on success (`creditsConsumed`, the callback's `consumeCredits`). */
  readonly cost: number;
  queuingAt: number;
  generatingAt: number;
  endAt: number;
  outcome: TaskOutcome;
  /** Set when the admin API holds the task in a pending state. */
  held: { state: PendingState; since: number } | undefined;
  completed: boolean;
  charged: number;
  /** Credits left on the account right after this task completed. */
  remainedCredits: number | undefined;
  expiresAt: number;
  cancelCompletion: CancelTimer | undefined;
}

/** What the task store needs from the rest of the mock. */
export interface TaskStoreDeps {
  readonly clock: MockClock;
  readonly random: Random;
  readonly settings: { timing: Timing; failRate: number; taskTtlMs: number };
  /** The URL of a task's result video. */
  readonly resultUrlOf: (task: Task) => string;
  /** Called once when a task reaches `success` or `fail`. */
  readonly onComplete: (task: Task) => void;
}

export class TaskStore {
  private readonly tasks = new Map<string, Task>();
  private lastSweep = 0;

  constructor(private readonly deps: TaskStoreDeps) {}

  /**
   * Creates a task from a validated request and its spec (`taskSpecOf`); the caller has checked
   * credits and limits.
   */
  create(account: Account, request: CreateTaskRequest, spec: TaskSpec): Task {
    const { clock, random, settings } = this.deps;
    const now = clock.now();
    this.sweep(now);
    const plan = planStateDurations(settings.timing, timingFactsOf(spec.facts, spec.video), random);
    const fails = settings.failRate > 0 && random.next() < settings.failRate;
    const outcome: TaskOutcome = fails
      ? { state: 'fail', ...random.pick(FAILURE_REASONS) }
      : { state: 'success' };
    let taskId = random.hex(32);
    while (this.tasks.has(taskId)) {
      taskId = random.hex(32);
    }
    const { cost } = spec;
    const task: Task = {
      taskId,
      account,
      model: request.model,
      facts: spec.facts,
      param: JSON.stringify(request),
      video: spec.video,
      callBackUrl: request.callBackUrl || undefined, // "" means no callback, as on kie.ai
      createTime: now,
      cost,
      ...this.schedule(now, plan, fails ? 0.2 + 0.6 * random.next() : 1),
      outcome,
      held: undefined,
      completed: false,
      charged: 0,
      remainedCredits: undefined,
      expiresAt: now + settings.taskTtlMs,
      cancelCompletion: undefined,
    };
    account.reserved = roundCredits(account.reserved + cost);
    this.tasks.set(taskId, task);
    this.armCompletion(task);
    return task;
  }

  /** A task by id; with `account`, only that account's tasks are visible (as on kie.ai). */
  get(taskId: string, account?: Account): Task | undefined {
    const task = this.tasks.get(taskId);
    // By id, not identity: an idle account forgotten and opened again still sees its tasks.
    if (!task || (account && task.account.id !== account.id)) {
      return undefined;
    }
    if (task.expiresAt <= this.deps.clock.now()) {
      this.remove(task);
      return undefined;
    }
    this.completeIfDue(task);
    return task;
  }

  /** Every live task, oldest first. */
  list(): Task[] {
    this.sweep(this.deps.clock.now(), true);
    return [...this.tasks.values()];
  }

  get size(): number {
    return this.tasks.size;
  }

  /** The state of a task now. */
  stateOf(task: Task): TaskState {
    if (task.held) {
      return task.held.state;
    }
    const now = this.deps.clock.now();
    if (now < task.queuingAt) {
      return 'waiting';
    }
    if (now < task.generatingAt) {
      return 'queuing';
    }
    if (now < task.endAt) {
      return 'generating';
    }
    return task.outcome.state;
  }

  /** The task as recordInfo reports it. */
  record(task: Task): TaskRecord {
    const state = this.stateOf(task);
    const final = state === 'success' || state === 'fail';
    const updateTime = task.held
      ? task.held.since
      : ({ waiting: task.createTime, queuing: task.queuingAt, generating: task.generatingAt }[
          state as PendingState
        ] ?? task.endAt);
    return {
      taskId: task.taskId,
      model: task.model,
      state,
      param: task.param,
      resultJson: state === 'success' ? JSON.stringify({ resultUrls: [this.deps.resultUrlOf(task)] }) : '',
      failCode: final ? (task.outcome.state === 'fail' ? task.outcome.failCode : '') : null,
      failMsg: final ? (task.outcome.state === 'fail' ? task.outcome.failMsg : '') : null,
      costTime: final ? task.endAt - task.generatingAt : null,
      completeTime: final ? task.endAt : null,
      createTime: task.createTime,
      updateTime,
      // Final records say what was charged, as kie.ai's Market docs show: the price, or 0 on failure.
      ...(final ? { creditsConsumed: task.outcome.state === 'success' ? task.cost : 0 } : {}),
    };
  }

  /** Forces a state now: `success`/`fail` complete the task at once; a pending state holds it there. */
  force(task: Task, state: TaskState, failure?: { failCode?: string | number; failMsg?: string }): void {
    this.completeIfDue(task);
    if (task.completed) {
      throw new TaskAlreadyFinalError(task.taskId, this.stateOf(task));
    }
    const now = this.deps.clock.now();
    task.cancelCompletion?.();
    if (state === 'success' || state === 'fail') {
      task.held = undefined;
      task.outcome = state === 'success' ? { state } : { state, ...this.failureOf(failure) };
      task.queuingAt = Math.min(task.queuingAt, now);
      task.generatingAt = Math.min(task.generatingAt, now);
      task.endAt = now;
      this.complete(task);
      return;
    }
    task.held = { state, since: now };
  }

  /** Releases a held task: it goes on from its held state with fresh durations. */
  resume(task: Task): void {
    if (!task.held) {
      return;
    }
    const now = this.deps.clock.now();
    const plan = planStateDurations(
      this.deps.settings.timing,
      timingFactsOf(task.facts, task.video),
      this.deps.random,
    );
    const order: PendingState[] = ['waiting', 'queuing', 'generating'];
    const from = order.indexOf(task.held.state);
    task.queuingAt = from >= 1 ? now : now + plan.waitingMs;
    task.generatingAt = from >= 2 ? now : task.queuingAt + plan.queuingMs;
    task.endAt = task.generatingAt + plan.generatingMs;
    task.held = undefined;
    this.armCompletion(task);
  }

  /** Decides how a pending task will end, without changing when. */
  setOutcome(
    task: Task,
    outcome: 'success' | 'fail',
    failure?: { failCode?: string | number; failMsg?: string },
  ) {
    this.completeIfDue(task);
    if (task.completed) {
      throw new TaskAlreadyFinalError(task.taskId, this.stateOf(task));
    }
    task.outcome =
      outcome === 'success' ? { state: 'success' } : { state: 'fail', ...this.failureOf(failure) };
  }

  /** Forgets every task (pending completions are cancelled). */
  clear(): void {
    for (const task of this.tasks.values()) {
      task.cancelCompletion?.();
    }
    this.tasks.clear();
  }

  private failureOf(failure?: { failCode?: string | number; failMsg?: string }) {
    const fallback = FAILURE_REASONS[0] as { failCode: string; failMsg: string };
    return {
      failCode: failure?.failCode ?? fallback.failCode,
      failMsg: failure?.failMsg ?? fallback.failMsg,
    };
  }

  private schedule(now: number, plan: StateDurations, generatedShare: number) {
    const queuingAt = now + plan.waitingMs;
    const generatingAt = queuingAt + plan.queuingMs;
    return { queuingAt, generatingAt, endAt: generatingAt + Math.round(plan.generatingMs * generatedShare) };
  }

  private armCompletion(task: Task): void {
    task.cancelCompletion?.();
    task.cancelCompletion = this.deps.clock.schedule(task.endAt, () => this.completeIfDue(task));
  }

  private completeIfDue(task: Task): void {
    if (!task.completed && !task.held && this.deps.clock.now() >= task.endAt) {
      this.complete(task);
    }
  }

  private complete(task: Task): void {
    task.completed = true;
    task.cancelCompletion?.();
    task.cancelCompletion = undefined;
    const { account } = task;
    account.reserved = Math.max(0, roundCredits(account.reserved - task.cost));
    if (task.outcome.state === 'success') {
      task.charged = task.cost;
      account.credits = roundCredits(account.credits - task.cost);
    }
    task.remainedCredits = account.credits;
    this.deps.onComplete(task);
  }

  private remove(task: Task): void {
    task.cancelCompletion?.();
    if (!task.completed) {
      task.account.reserved = Math.max(0, roundCredits(task.account.reserved - task.cost));
    }
    this.tasks.delete(task.taskId);
  }

  /** Drops expired tasks. Tasks expire in creation order, so this stops at the first live one. */
  private sweep(now: number, force = false): void {
    if (!force && now - this.lastSweep < 1_000) {
      return;
    }
    this.lastSweep = now;
    for (const task of this.tasks.values()) {
      if (task.expiresAt > now) {
        break;
      }
      this.remove(task);
    }
  }
}

/** What the timing of a task depends on: its model's generation-time estimate and its video's length. */
function timingFactsOf(facts: ModelFacts, video: ResultVideoSpec): TaskTimingFacts {
  return { generationSeconds: facts.generationSeconds, seconds: video.seconds };
}

/** Thrown when the admin API tries to change a task that already ended. */
export class TaskAlreadyFinalError extends Error {
  constructor(
    readonly taskId: string,
    readonly state: TaskState,
  ) {
    super(`Task ${taskId} already ended (${state})`);
    this.name = 'TaskAlreadyFinalError';
  }
}
