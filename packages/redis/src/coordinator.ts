/**
 * `createRedisCoordinator`: kie.ai's account limits shared by every process on one API key, and a
 * completion feed that lets a callback handled in one process resolve a wait in another. Pass the
 * coordinator to `createKlingClient({ coordinator })` and to the callback handler.
 */
import { createHash, randomUUID } from 'node:crypto';
import { POLL_SCHEDULE, RATE_LIMITS, type TaskRecord } from '@kling-kit/contract';
import { type Cluster, Redis } from 'ioredis';
import { LocalLag, RECENT_LAG_SCRIPT, SETTLE_SCRIPT } from './arrival-lag';
import { CompletionFeed } from './feed';
import { keyNames } from './keys';
import { LocalWindow, RESERVE_SCRIPT, type Reservation, shareOf, type WindowRule } from './window';

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
  /**
   * Resolves when a request may be sent: a reservation in the shared window, or this process's share
   * of it. For a create it resolves to the function the client calls once the request was answered:
   * its lag, which spaces the next window's creates (see "What it guarantees" in the README).
   */
  acquire(operation: RateLimitedOperation, signal?: AbortSignal): Promise<(() => void) | undefined>;
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

/**
 * Sends that arrive late by up to this much still fit the server's window. On creates it is a floor:
 * the margin there is the largest lag the answered creates reported lately (`arrival-lag.ts`).
 */
const MARGIN_MS = { createTask: 250, getTaskRecord: 100 };
/** The operations whose requests report their lag (queries are spaced under their limit instead). */
const MEASURED: ReadonlySet<RateLimitedOperation> = new Set(['createTask']);
/** A create checks the lag again at most this many times before it is sent. */
const LAG_CHECKS = 3;
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
  const local = {
    createTask: new LocalWindow(RATE_LIMITS.createTask.limit),
    getTaskRecord: new LocalWindow(RATE_LIMITS.getTaskRecord.limit),
  };
  /** Until when (this process's clock) each limit keeps to this process's share even with Redis answering. */
  const shareUntil: Record<RateLimitedOperation, number> = { createTask: 0, getTaskRecord: 0 };
  /** When Redis last granted this process a reservation (0: never). */
  let lastSharedAt = 0;
  /** The processes counted before Redis was lost or lost its data: the shares held meanwhile. */
  let heldPeers = 1;
  const localLag = { createTask: new LocalLag(), getTaskRecord: new LocalLag() };
  const member = randomUUID();
  const sha = (script: string) => createHash('sha1').update(script).digest('hex');
  const scripts = {
    reserve: { source: RESERVE_SCRIPT, sha: sha(RESERVE_SCRIPT) },
    settle: { source: SETTLE_SCRIPT, sha: sha(SETTLE_SCRIPT) },
    recentLag: { source: RECENT_LAG_SCRIPT, sha: sha(RECENT_LAG_SCRIPT) },
  };

  let mode: 'shared' | 'local' = 'shared';
  let peers = 1;
  let lastProbe = 0;
  let closed = false;

  const within = <T>(promise: Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        // Rejected from the next turn of the event loop: after a stall of this process (not of
        // Redis) the timer fires first, but an answer already read then still wins.
        timer = setTimeout(
          () => setImmediate(() => reject(new Error(`Redis did not answer within ${commandTimeoutMs} ms`))),
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
  /**
   * For one window (plus the margin) from now, each limit keeps to this process's share as well:
   * the sends made while Redis could not count them are in no shared window.
   */
  const holdShares = (peersBefore: number) => {
    heldPeers = peersBefore;
    const now = Date.now();
    for (const operation of Object.keys(rules) as RateLimitedOperation[]) {
      const { windowMs, marginMs } = rules[operation];
      shareUntil[operation] = now + windowMs + Math.max(marginMs, localLag[operation].recent(windowMs));
    }
  };
  const recovered = () => {
    if (mode === 'local' && !closed) {
      mode = 'shared';
      holdShares(peers);
      lastSharedAt = 0; // the shares are held already: Redis having lost its data is no news
      onWarning("@kling-kit/redis: Redis answers again; kie.ai's limits are shared across processes again");
    }
  };
  const feed = new CompletionFeed({ command, subscriber, keys, ttlMs: completionTtlMs, within, failed });

  /** Runs a script: EVALSHA, or EVAL when Redis has not cached it yet. */
  const run = (script: keyof typeof scripts, keys: string[], args: (string | number)[]): Promise<unknown> => {
    const { source, sha: digest } = scripts[script];
    return within(
      command.evalsha(digest, keys.length, ...keys, ...args).catch((error: Error) => {
        if (!/NOSCRIPT/.test(error.message)) {
          throw error;
        }
        return command.eval(source, keys.length, ...keys, ...args);
      }),
    );
  };

  /** One reservation in Redis; `slot` is the reserved time on Redis's clock. */
  const reserve = async (operation: RateLimitedOperation): Promise<Reservation & { slot: number }> => {
    const rule = rules[operation];
    const answer = (await run(
      'reserve',
      [keys.limit(operation), keys.peers, keys.lag(operation)],
      [rule.limit, rule.windowMs, rule.gapMs, rule.marginMs, member, PEER_TTL_MS],
    )) as [number, number, number, number, number];
    const peersBefore = peers;
    peers = Math.max(1, Number(answer[1]));
    const [delay, now, edge] = [Math.max(0, Number(answer[0])), Number(answer[2]), Number(answer[3])];
    const seenLately = lastSharedAt > 0 && Date.now() - lastSharedAt < PEER_TTL_MS - commandTimeoutMs;
    if (Number(answer[4]) === 0 && seenLately) {
      // Redis no longer knows this process: it restarted or was flushed, and lost the windows.
      holdShares(peersBefore);
      onWarning(
        "@kling-kit/redis: Redis lost its data (restarted?); for one window each process also keeps to its share of kie.ai's limits",
      );
    }
    lastSharedAt = Date.now();
    return { delay, edge: edge < 0 ? undefined : edge - now, slot: now + delay };
  };

  /** The largest lag reported lately: Redis's record, or this process's own when Redis is lost. */
  const recentLag = async (operation: RateLimitedOperation): Promise<number> => {
    const { windowMs } = rules[operation];
    if (mode === 'shared') {
      try {
        return Number(await run('recentLag', [keys.lag(operation)], [windowMs]));
      } catch (error) {
        failed(error);
      }
    }
    return localLag[operation].recent(windowMs);
  };

  /**
   * Before a create that waited for an earlier one to leave the window is sent: if the creates
   * answered since reported a larger lag than the margin it was reserved with, it waits the difference.
   */
  const waitForLag = async (
    operation: RateLimitedOperation,
    reservation: Reservation,
    signal?: AbortSignal,
  ) => {
    const { edge } = reservation;
    let waited = reservation.delay;
    for (let round = 0; edge !== undefined && round < LAG_CHECKS; round++) {
      const margin = Math.max(rules[operation].marginMs, await recentLag(operation));
      const extra = edge + margin - waited;
      if (extra <= 0) {
        return;
      }
      await sleep(extra, signal);
      waited += extra;
    }
  };

  /** The function a measured request calls once answered: its lag, here and in Redis. */
  const reportLag =
    (operation: RateLimitedOperation, localSlot: number, redisSlot: number | undefined) => () => {
      const { windowMs } = rules[operation];
      localLag[operation].record(Math.min(windowMs, Math.max(0, Date.now() - localSlot)), windowMs);
      if (redisSlot !== undefined && mode === 'shared' && !closed) {
        run('settle', [keys.lag(operation)], [redisSlot, windowMs]).catch(() => {});
      }
    };

  const probe = () => {
    lastProbe = Date.now();
    within(command.ping()).then(recovered, () => {});
  };

  return {
    async acquire(operation, signal) {
      check('operation', Object.hasOwn(rules, operation), '"createTask" or "getTaskRecord"');
      if (signal?.aborted) {
        throw signal.reason;
      }
      let shared: (Reservation & { slot: number }) | undefined;
      if (mode === 'shared') {
        shared = await reserve(operation).catch((error: unknown) => {
          failed(error);
          return undefined;
        });
      } else if (Date.now() - lastProbe >= PROBE_EVERY_MS) {
        probe();
      }
      // This process's own sends, against its share while Redis cannot count them all (lost, just
      // back, or lost its data), else against the whole limit: a switch never lets a burst through.
      const now = Date.now();
      const rule = rules[operation];
      const held = now < shareUntil[operation];
      const ownRule = !shared || held ? shareOf(rule, held ? Math.max(peers, heldPeers) : peers) : rule;
      const own = local[operation].earliest(
        { ...ownRule, marginMs: Math.max(rule.marginMs, localLag[operation].recent(rule.windowMs)) },
        now,
      );
      const edges = [shared?.edge, own.edge].filter((edge): edge is number => edge !== undefined);
      const reservation: Reservation = {
        delay: Math.max(shared?.delay ?? 0, own.delay),
        edge: edges.length > 0 ? Math.max(...edges) : undefined,
      };
      const localSlot = now + reservation.delay;
      local[operation].record(localSlot);
      if (reservation.delay > 0) {
        await sleep(reservation.delay, signal);
      }
      if (!MEASURED.has(operation)) {
        return undefined;
      }
      await waitForLag(operation, reservation, signal);
      return reportLag(operation, localSlot, shared?.slot);
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
