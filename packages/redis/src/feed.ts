/**
 * The completion feed: a callback handled in one process reaches the waits of every process. A
 * publish writes the task's final record under a short-lived key (a wait that starts later still
 * finds it) and sends it on one channel per API key; each process keeps one subscription and hands
 * each message to the waits of its task. While the subscription is down, waits are told (`null`)
 * and poll on their normal schedule instead.
 */
import { FINAL_TASK_STATES, type TaskRecord } from '@kling-kit/contract';
import type { Cluster, Redis } from 'ioredis';
import type { KeyNames } from './keys';

type Listener = (record: TaskRecord | null) => void;

export interface FeedDeps {
  readonly command: Redis | Cluster;
  readonly subscriber: Redis | Cluster;
  readonly keys: KeyNames;
  readonly ttlMs: number;
  /** Runs a command with the coordinator's timeout (rejects when Redis does not answer in time). */
  within<T>(promise: Promise<T>): Promise<T>;
  /** Tells the coordinator that Redis failed (it warns once and falls back). */
  failed(error: unknown): void;
}

/** A record as the feed carries it, or undefined for anything else on the channel. */
function parseRecord(message: string): TaskRecord | undefined {
  try {
    const record = JSON.parse(message) as TaskRecord | null;
    return typeof record?.taskId === 'string' &&
      (FINAL_TASK_STATES as readonly string[]).includes(record.state)
      ? record
      : undefined;
  } catch {
    return undefined;
  }
}

/** Calls a listener; one that throws (or is not a function) cannot keep others from hearing, nor end the process. */
function tell(listener: Listener, record: TaskRecord | null): void {
  try {
    listener(record);
  } catch {
    // The listener's own failure: nothing to do for the feed.
  }
}

export class CompletionFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  private live = false;
  private closed = false;

  constructor(private readonly deps: FeedDeps) {
    const { subscriber, keys } = deps;
    subscriber.on('message', (channel: string, message: string) => {
      const record = channel === keys.channel ? parseRecord(message) : undefined;
      if (record) {
        this.deliver(record.taskId, record);
      }
    });
    // ioredis re-subscribes after a reconnect; the feed counts as live again once our own
    // subscribe is answered, so no wait relies on it while messages could be missed.
    subscriber.on('ready', () => this.subscribe());
    const lost = () => {
      if (this.live) {
        this.live = false;
        for (const taskId of [...this.listeners.keys()]) {
          this.deliver(taskId, null);
        }
      }
    };
    subscriber.on('close', lost);
    subscriber.on('reconnecting', lost);
    if (subscriber.status === 'ready') {
      this.subscribe();
    }
  }

  /** Whether the subscription is up (messages reach this process). */
  get isLive(): boolean {
    return this.live;
  }

  private subscribe(): void {
    if (this.closed) {
      return;
    }
    this.deps.subscriber.subscribe(this.deps.keys.channel).then(
      () => {
        this.live = !this.closed;
      },
      () => {}, // retried on the next 'ready'
    );
  }

  private deliver(taskId: string, record: TaskRecord | null): void {
    for (const listener of this.listeners.get(taskId) ?? []) {
      tell(listener, record);
    }
  }

  /** Listens for one task; a record already published (within the TTL) is delivered at once. */
  watch(taskId: string, listener: Listener): () => void {
    if (!this.live) {
      queueMicrotask(() => tell(listener, null));
      return () => {};
    }
    let set = this.listeners.get(taskId);
    if (!set) {
      set = new Set();
      this.listeners.set(taskId, set);
    }
    set.add(listener);
    const unwatch = () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(taskId) === set) {
        this.listeners.delete(taskId);
      }
    };
    // Subscribed first, then read: a completion published in between arrives one way or the other.
    this.deps.within(this.deps.command.get(this.deps.keys.done(taskId))).then(
      (message) => {
        const record = message ? parseRecord(message) : undefined;
        if (record && set.has(listener)) {
          tell(listener, record);
        }
      },
      (error: unknown) => {
        this.deps.failed(error);
        if (set.has(listener)) {
          tell(listener, null);
        }
      },
    );
    return unwatch;
  }

  /** Stores the record for late waits and sends it to every process (this one's waits first). */
  async publish(record: TaskRecord): Promise<void> {
    // Only what every process would accept from the channel: a final record with a task id.
    const message = JSON.stringify(record);
    if (!parseRecord(message)) {
      throw new TypeError('publish: the record must have a taskId and a final state (success or fail)');
    }
    this.deliver(record.taskId, record);
    const { command, keys, ttlMs } = this.deps;
    try {
      const results = await this.deps.within(
        command
          .multi()
          .set(keys.done(record.taskId), message, 'PX', ttlMs)
          .publish(keys.channel, message)
          .exec(),
      );
      const failure = results?.find(([error]) => error)?.[0];
      if (failure) {
        throw failure;
      }
    } catch (error) {
      this.deps.failed(error);
      throw error;
    }
  }

  close(): void {
    this.closed = true;
    this.live = false;
    this.listeners.clear();
  }
}
