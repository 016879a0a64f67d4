/**
 * `createRedisCoordinator`: kie.ai's account limits shared by every process on one API key, and a
 * completion feed that lets a callback handled in one process resolve a wait in another. Pass the
 * coordinator to `createKlingClient({ coordinator })` and to the callback handler.
 */
import { createHash, randomUUID } from 'node:crypto';
import { POLL_SCHEDULE, RATE_LIMITS, type TaskRecord } from '@kling-kit/contract';
import { type Cluster, Redis } from 'ioredis';
import { CompletionFeed } from './feed';
import { keyNames } from './keys';
import { LocalWindow, RESERVE_SCRIPT, shareOf, type WindowRule } from './window';

/** The operations kie.ai rate-limits (the same names as `RateLimitedOperation` in `@kling-kit/client`). */
export type RateLimitedOperation = keyof typeof RATE_LIMITS;

export interface RedisCoordinatorOptions {
  /**
   * An ioredis client (`Redis` or `Cluster`), which stays yours (`close()` leaves it open), or a
   * `redis://` URL to connect to (closed by `close()`). The feed subscribes on a duplicate of it.
   */
  redis: Redis | Cluster | string;
  /** The kie.ai API key whose limits are shared. Only its SHA-256 appears in Redis. @default process.env.KIE_API_KEY */
  apiKey?: string;
  /** Prefix of every key and channel. @default 'kling-kit' */
  prefix?: string;
  /** recordInfo queries per second for all processes together (kie.ai allows 10 per key). @default 8 */
  maxPollsPerSecond?: number;
  /** How long a completed task's record stays for waits that start after its callback, in ms. @default 600000 (10 min) */
  completionTtlMs?: number;
  /** A Redis command unanswered after this counts as a lost connection, in ms. @default 1000 */
  commandTimeoutMs?: number;
  /** Told when Redis is lost (the limits fall back to this process's share) and when it is back. @default console.warn */
  onWarning?: (message: string) => void;
}

/** A coordinator for `@kling-kit/client` (its `Coordinator` interface), backed by Redis. */
export interface RedisCoordinator {
  /** Resolves when a request may be sent: a reservation in the shared window, or this process's share of it. */
  acquire(operation: RateLimitedOperation, signal?: AbortSignal): Promise<void>;
  /** Calls `listener` with the task's final record once a callback for it was published (`null`: the feed is down). */
  watch(taskId: string, listener: (record: TaskRecord | null) => void): () => void;
  /** Stores and broadcasts a task's final record (the callback handler's `coordinator` option calls it). */
  publish(record: TaskRecord): Promise<void>;
  /** `shared` while Redis answers; `local` while each process keeps to its share. */
  readonly mode: 'shared' | 'local';
  /** Processes that asked for budget in the last 30 s, as Redis last counted them (1 before the first answer). */
  readonly peers: number;
  /** Stops listening and closes the connections this coordinator opened. */
  close(): Promise<void>;
}

/** Sends that arrive late by up to this much still fit the server's window (network jitter). */
// Creates: a request can reach kie.ai up to a second later than its reservation (a loaded host, the
// network), and the account window counts arrivals, so the margin covers that.
const MARGIN_MS = { createTask: 1_000, getTaskRecord: 100 };
/** A process that asked for no budget for this long no longer counts as a peer. */
const PEER_TTL_MS = 30_000;
/** While Redis is lost, at most one probe per this much. */
const PROBE_EVERY_MS = 1_000;

function check(name: string, valid: boolean, expected: string): void {
  if (!valid) {
    throw new TypeError(`createRedisCoordinator: ${name} must be ${expected}`);
  }
}

const isPositive = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

/** Sleeps `ms`, rejecting with the signal's reason on abort. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Makes a coordinator. Throws `TypeError` for a wrong option (no API key, a limit that is not a
 * positive number). It never makes a request wait on a dead Redis: a command unanswered within
 * `commandTimeoutMs` switches this process to its share of the limits (the limit divided by the
 * processes last seen) with one warning, and waits to polling, until Redis answers again.
 */
export function createRedisCoordinator(options: RedisCoordinatorOptions): RedisCoordinator {
  check('options', typeof options === 'object' && options !== null, 'an object');
  const apiKey = (options.apiKey ?? process.env.KIE_API_KEY)?.trim();
  check('apiKey', !!apiKey, 'your kie.ai API key (or set KIE_API_KEY)');
  const {
    prefix = 'kling-kit',
    maxPollsPerSecond = POLL_SCHEDULE.maxPollsPerSecond,
    completionTtlMs = 600_000,
    commandTimeoutMs = 1_000,
    onWarning = (message: string) => console.warn(message),
  } = options;
  check('maxPollsPerSecond', isPositive(maxPollsPerSecond), 'a positive number');
  check('completionTtlMs', isPositive(completionTtlMs), 'a positive number of ms');
  check('commandTimeoutMs', isPositive(commandTimeoutMs), 'a positive number of ms');
  check(
    'redis',
    typeof options.redis === 'string' ||
      typeof (options.redis as Redis | undefined)?.duplicate === 'function',
    'an ioredis client or a redis:// URL',
  );

  const owned = typeof options.redis === 'string';
  const command = typeof options.redis === 'string' ? new Redis(options.redis) : options.redis;
  const subscriber = command.duplicate();
  // A connection error is reported by the commands that fail; ioredis reconnects by itself.
  for (const connection of owned ? [command, subscriber] : [subscriber]) {
    connection.on('error', () => {});
  }
  const keys = keyNames(prefix, apiKey as string);
  const rules: Record<RateLimitedOperation, WindowRule> = {
    createTask: { ...RATE_LIMITS.createTask, gapMs: 0, marginMs: MARGIN_MS.createTask },
    getTaskRecord: {
      ...RATE_LIMITS.getTaskRecord,
      gapMs: 1_000 / maxPollsPerSecond,
      marginMs: MARGIN_MS.getTaskRecord,
    },
  };
  const local = { createTask: new LocalWindow(), getTaskRecord: new LocalWindow() };
  const member = randomUUID();
  const scriptSha = createHash('sha1').update(RESERVE_SCRIPT).digest('hex');

  let mode: 'shared' | 'local' = 'shared';
  let peers = 1;
  let lastProbe = 0;
  let closed = false;

  const within = <T>(promise: Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${commandTimeoutMs} ms`)),
          commandTimeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  };
  const failed = (error: unknown) => {
    if (mode === 'shared' && !closed) {
      mode = 'local';
      lastProbe = Date.now();
      const reason = error instanceof Error ? error.message : String(error);
      onWarning(
        `@kling-kit/redis: Redis is unreachable (${reason}); this process keeps to its share of kie.ai's limits ` +
          `(1/${peers}) and its waits poll until Redis answers again`,
      );
    }
  };
  const recovered = () => {
    if (mode === 'local' && !closed) {
      mode = 'shared';
      local.createTask.clear();
      local.getTaskRecord.clear();
      onWarning("@kling-kit/redis: Redis answers again; kie.ai's limits are shared across processes again");
    }
  };
  const feed = new CompletionFeed({ command, subscriber, keys, ttlMs: completionTtlMs, within, failed });

  /** One reservation in Redis: EVALSHA, or EVAL when Redis has not cached the script yet. */
  const reserve = async (operation: RateLimitedOperation): Promise<number> => {
    const rule = rules[operation];
    const args = [
      keys.limit(operation),
      keys.peers,
      rule.limit,
      rule.windowMs,
      rule.gapMs,
      rule.marginMs,
      member,
      PEER_TTL_MS,
    ];
    const answer = (await within(
      command.evalsha(scriptSha, 2, ...args).catch((error: Error) => {
        if (!/NOSCRIPT/.test(error.message)) {
          throw error;
        }
        return command.eval(RESERVE_SCRIPT, 2, ...args);
      }),
    )) as [number, number];
    peers = Math.max(1, Number(answer[1]));
    return Math.max(0, Number(answer[0]));
  };

  const probe = () => {
    lastProbe = Date.now();
    within(command.ping()).then(recovered, () => {});
  };

  return {
    async acquire(operation, signal) {
      check('operation', operation in rules, '"createTask" or "getTaskRecord"');
      if (signal?.aborted) {
        throw signal.reason;
      }
      let delay: number | undefined;
      if (mode === 'shared') {
        delay = await reserve(operation).catch((error: unknown) => {
          failed(error);
          return undefined;
        });
      } else if (Date.now() - lastProbe >= PROBE_EVERY_MS) {
        probe();
      }
      delay ??= local[operation].reserve(shareOf(rules[operation], peers));
      if (delay > 0) {
        await sleep(delay, signal);
      }
    },
    watch: (taskId, listener) => feed.watch(taskId, listener),
    publish: (record) => feed.publish(record),
    get mode() {
      return mode;
    },
    get peers() {
      return peers;
    },
    async close() {
      closed = true;
      feed.close();
      // QUIT waits for a connection that may never come back: past the timeout, just drop it.
      await within(subscriber.quit()).catch(() => subscriber.disconnect());
      if (owned) {
        await within(command.quit()).catch(() => command.disconnect());
      }
    },
  };
}
