/** Everything the mock holds, wired together: clock, accounts, tasks, files, callbacks and faults. */
import { randomBytes } from 'node:crypto';
import type { ResolvedOptions } from '../options';
import { Accounts } from './accounts';
import { CallbackDispatcher, callbackPayloadOf } from './callbacks';
import { createClock, type MockClock } from './clock';
import { FaultScripts } from './faults';
import { FileStore } from './files';
import { type AddressRule, anyAddress, loopbackOnly } from './outbound';
import { createRandom, type Random } from './random';
import { type Task, TaskStore } from './tasks';
import { callbackRetryDelays, type Timing } from './timing';

/** Settings that can change while the mock runs (through the admin API). */
export interface MockSettings {
  timing: Timing;
  failRate: number;
  rateLimit: boolean;
  httpStatusMirror: boolean;
  hmacKey: string | undefined;
  callbackTimeoutMs: number;
  retryDelaysMs: readonly number[];
  taskTtlMs: number;
  uploadTtlMs: number;
  allowExternalFetch: boolean;
  /** Addresses URL uploads may connect to (every redirect hop included). */
  fetchRule: AddressRule;
  /** Addresses callbacks may be delivered to. */
  callbackRule: AddressRule;
  /** Deliveries one task's callback may get in all. */
  maxDeliveriesPerTask: number;
  /** Base of every link the mock writes (results, uploads, download links). */
  publicUrl: string;
}

export class MockState {
  readonly clock: MockClock = createClock();
  readonly settings: MockSettings;
  readonly accounts: Accounts;
  readonly tasks: TaskStore;
  readonly files: FileStore;
  readonly callbacks: CallbackDispatcher;
  readonly faults = new FaultScripts();
  random: Random;
  /** Resets so far: each one starts a new random stream, so no task id repeats within the process. */
  private generation = 0;

  constructor(private readonly options: ResolvedOptions) {
    this.settings = {
      timing: options.timing,
      failRate: options.failRate,
      rateLimit: options.rateLimit,
      httpStatusMirror: options.httpStatusMirror,
      hmacKey: options.hmacKey,
      callbackTimeoutMs: options.callbackTimeoutMs,
      retryDelaysMs: callbackRetryDelays(options.timing),
      taskTtlMs: options.taskTtlMs,
      uploadTtlMs: options.uploadTtlMs,
      allowExternalFetch: options.allowExternalFetch,
      fetchRule:
        options.addressRule ??
        (options.allowExternalFetch && !options.loopbackOnly ? anyAddress : loopbackOnly),
      callbackRule: options.addressRule ?? (options.loopbackOnly ? loopbackOnly : anyAddress),
      maxDeliveriesPerTask: options.maxDeliveriesPerTask,
      publicUrl: options.publicUrl ?? `http://${options.host}:${options.port}`,
    };
    this.random = createRandom(options.seed);
    this.accounts = new Accounts(options.apiKeys, options.credits, options.maxAccounts);
    this.files = new FileStore(this.clock, randomBytes(16).toString('hex'), options.uploadStoreBytes);
    this.callbacks = new CallbackDispatcher({ clock: this.clock, settings: this.settings });
    this.tasks = new TaskStore({
      clock: this.clock,
      random: {
        next: () => this.random.next(),
        int: (a, b) => this.random.int(a, b),
        hex: (n) => this.random.hex(n),
        pick: (items) => this.random.pick(items),
      },
      settings: this.settings,
      resultUrlOf: (task) => this.resultUrlOf(task),
      onComplete: (task) => this.sendCallback(task, 'task-finished'),
    });
  }

  /** The result video's URL of a task. */
  resultUrlOf(task: Task): string {
    return `${this.settings.publicUrl}/files/results/${task.taskId}.mp4`;
  }

  /** POSTs a finished task's callback to its `callBackUrl`; false when it has none or is not final. */
  sendCallback(task: Task, trigger: 'task-finished' | 'manual'): boolean {
    if (!task.callBackUrl || !task.completed) {
      return false;
    }
    const payload = callbackPayloadOf(
      this.tasks.record(task),
      task.charged,
      task.remainedCredits ?? task.account.credits,
    );
    this.callbacks.send(task.callBackUrl, payload, trigger);
    return true;
  }

  /**
   * Back to a fresh start: no tasks, files, accounts, faults or deliveries. The seed restarts on a
   * new stream (`seed#1`, `seed#2`, …): reproducible from run to run, yet no task id of this
   * process is ever issued twice (a callback or poll for an old id can never hit a new task).
   */
  reset(): void {
    this.tasks.clear();
    this.files.clear();
    this.accounts.clear();
    this.faults.clear();
    this.callbacks.clear();
    this.clock.advance(0);
    this.generation++;
    this.random = createRandom(`${this.options.seed}#${this.generation}`);
  }
}
