/**
 * Callback delivery as kie.ai does it: a POST of the final record plus `consumeCredits` and
 * `remainedCredits` to `callBackUrl`, signed when an HMAC key is set, 15 s timeout, up to 3 retries
 * with backoff on a non-2xx answer or a timeout. Every attempt lands in a delivery log that tests can
 * read, and any delivery can be sent again. Sending never blocks request handling.
 */
import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CallbackPayload, TaskRecord } from '@kling-kit/contract';
import type { MockClock } from './clock';
import { type AddressRule, ForbiddenAddressError, guardedRequestOptions } from './outbound';

/** Why a delivery was sent. */
export type DeliveryTrigger = 'task-finished' | 'retry' | 'redeliver' | 'manual';

/** One attempt to deliver a callback. */
export interface DeliveryAttempt {
  /** `dlv_<n>`: the id to redeliver it with. */
  readonly id: string;
  readonly taskId: string;
  readonly url: string;
  /** 1 for the first attempt of a delivery, 2–4 for its retries. */
  readonly attempt: number;
  readonly trigger: DeliveryTrigger;
  /** Mock-clock time the attempt was sent. */
  readonly sentAt: number;
  /** The signature headers sent, when an HMAC key is set. */
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: CallbackPayload;
  /** `pending` until the receiver answers or the attempt times out. */
  outcome: 'pending' | 'delivered' | 'failed';
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why it failed, when it did (timeout, connection refused, non-2xx). */
  error?: string;
  durationMs?: number;
}

/** What the dispatcher needs. */
export interface CallbackDispatcherDeps {
  readonly clock: MockClock;
  readonly settings: {
    hmacKey: string | undefined;
    callbackTimeoutMs: number;
    retryDelaysMs: readonly number[];
    /** Addresses deliveries may connect to. */
    callbackRule: AddressRule;
    /** Attempts one task's callback may get in all (first tries, retries, redeliveries). */
    maxDeliveriesPerTask: number;
  };
  /** Log size cap: the oldest attempts are dropped past it. */
  readonly maxLogEntries?: number;
}

/** Builds the callback body of a finished task. */
export function callbackPayloadOf(
  record: TaskRecord,
  consumeCredits: number,
  remainedCredits: number,
): CallbackPayload {
  const success = record.state === 'success';
  return {
    code: success ? 200 : 501,
    msg: success ? 'Playground task completed successfully.' : 'Playground task failed.',
    data: { ...record, consumeCredits, remainedCredits },
  };
}

/** kie.ai's signature: base64(HMAC-SHA256(taskId + "." + timestamp, key)). */
export function signCallback(taskId: string, timestamp: string, hmacKey: string): string {
  return createHmac('sha256', hmacKey).update(`${taskId}.${timestamp}`).digest('base64');
}

/** Deliveries in flight at once; the rest wait their turn in the dispatcher (not as open requests). */
const MAX_PARALLEL_DELIVERIES = 32;

/**
 * Sent with every delivery. The mock refuses admin requests that carry it, so a callback pointed at
 * the mock's own admin API (under any of its names) can never trigger another delivery.
 */
export const DELIVERY_HEADER = 'X-Kling-Mock-Delivery';

/** Thrown when a task's callback has had all the deliveries it may get. */
export class DeliveryCapError extends Error {
  override name = 'DeliveryCapError';
}

/** A payload as the log may show it: the callBackUrl inside `param` redacted like the URL. */
function redactPayload(payload: CallbackPayload, url: string): CallbackPayload {
  if (!URL.canParse(url) || !new URL(url).password) {
    return payload;
  }
  let param: unknown;
  try {
    param = JSON.parse(payload.data.param);
  } catch {
    return { ...payload, data: { ...payload.data, param: '[redacted]' } };
  }
  const redacted = { ...(param as Record<string, unknown>), callBackUrl: redactUrl(url) };
  return { ...payload, data: { ...payload.data, param: JSON.stringify(redacted) } };
}

/** A URL as the log may show it: a password in it is replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return '[invalid URL]';
  }
}

class DeliveryTimeout extends Error {}

export class CallbackDispatcher {
  private log: DeliveryAttempt[] = [];
  // Keep-alive agents: a burst of finished tasks reuses a few connections instead of opening one each.
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: MAX_PARALLEL_DELIVERIES }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: MAX_PARALLEL_DELIVERIES }),
  };
  private sequence = 0;
  private readonly inFlight = new Set<Promise<void>>();
  /** Attempts waiting for a free delivery slot, oldest first. */
  private waiting: (() => void)[] = [];
  private readonly cancels = new Set<() => void>();
  /** Attempts per task id so far (bounded: the oldest ids are forgotten past 100 000). */
  private readonly attemptsByTask = new Map<string, number>();
  /** What was really sent (URL with any password, payload), by delivery id; the log shows it redacted. */
  private readonly originals = new Map<string, { url: string; payload: CallbackPayload }>();

  constructor(private readonly deps: CallbackDispatcherDeps) {}

  /** Starts delivering `payload` to `url` (with retries); returns at once. Throws DeliveryCapError. */
  send(url: string, payload: CallbackPayload, trigger: Exclude<DeliveryTrigger, 'retry'>): void {
    if (!this.hasRoomFor(payload.data.taskId)) {
      throw new DeliveryCapError(
        `Task ${payload.data.taskId} has had ${this.deps.settings.maxDeliveriesPerTask} callback deliveries, the most one task may get`,
      );
    }
    this.attempt(url, payload, 1, trigger);
  }

  /** Sends a logged delivery again, as a new delivery with its own retries. Throws DeliveryCapError. */
  redeliver(deliveryId: string): DeliveryAttempt | undefined {
    const logged = this.log.find((entry) => entry.id === deliveryId);
    const original = this.originals.get(deliveryId);
    if (logged && original) {
      this.send(original.url, original.payload, 'redeliver');
    }
    return logged;
  }

  /** The delivery log, oldest first; `taskId` filters it. */
  deliveries(taskId?: string): DeliveryAttempt[] {
    return taskId ? this.log.filter((entry) => entry.taskId === taskId) : [...this.log];
  }

  /** Waits until no delivery is in flight (for tests and a clean shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0 || this.waiting.length > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** POSTs a body; resolves with the HTTP status once the answer's headers arrive. */
  private post(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      let guard: ReturnType<typeof guardedRequestOptions>;
      try {
        guard = guardedRequestOptions(target, this.deps.settings.callbackRule);
      } catch (error) {
        reject(error);
        return;
      }
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method: 'POST',
          agent: secure ? this.agents.https : this.agents.http,
          ...guard,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'User-Agent': 'kling-kit-mock/1',
            [DELIVERY_HEADER]: '1',
            ...headers,
          },
        },
        (response: IncomingMessage) => {
          clearTimeout(timer);
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      const timer = setTimeout(() => request.destroy(new DeliveryTimeout()), timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
  }

  /** Closes idle keep-alive connections (on shutdown). */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Forgets the log and cancels scheduled retries. */
  clear(): void {
    for (const cancel of this.cancels) {
      cancel();
    }
    this.cancels.clear();
    this.waiting = [];
    this.log = [];
    this.originals.clear();
    this.attemptsByTask.clear();
  }

  private hasRoomFor(taskId: string): boolean {
    return (this.attemptsByTask.get(taskId) ?? 0) < this.deps.settings.maxDeliveriesPerTask;
  }

  private countAttempt(taskId: string): void {
    const count = (this.attemptsByTask.get(taskId) ?? 0) + 1;
    this.attemptsByTask.delete(taskId);
    this.attemptsByTask.set(taskId, count);
    if (this.attemptsByTask.size > 100_000) {
      this.attemptsByTask.delete(this.attemptsByTask.keys().next().value as string);
    }
  }

  /** Starts an attempt now, or queues it while MAX_PARALLEL_DELIVERIES are in flight (bounded memory). */
  private attempt(url: string, payload: CallbackPayload, attempt: number, trigger: DeliveryTrigger): void {
    const start = () => this.start(url, payload, attempt, trigger);
    if (this.inFlight.size < MAX_PARALLEL_DELIVERIES) {
      start();
    } else {
      this.waiting.push(start);
    }
  }

  private start(url: string, payload: CallbackPayload, attempt: number, trigger: DeliveryTrigger): void {
    const { clock, settings } = this.deps;
    const headers: Record<string, string> = {};
    if (settings.hmacKey) {
      // Signed with wall-clock seconds: receivers check the timestamp against their own clock.
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers['X-Webhook-Timestamp'] = timestamp;
      headers['X-Webhook-Signature'] = signCallback(payload.data.taskId, timestamp, settings.hmacKey);
    }
    this.countAttempt(payload.data.taskId);
    const entry: DeliveryAttempt = {
      id: `dlv_${++this.sequence}`,
      taskId: payload.data.taskId,
      url: redactUrl(url),
      attempt,
      trigger,
      sentAt: clock.now(),
      headers,
      payload: redactPayload(payload, url),
      outcome: 'pending',
    };
    this.log.push(entry);
    this.originals.set(entry.id, { url, payload });
    const cap = this.deps.maxLogEntries ?? 10_000;
    if (this.log.length > cap) {
      for (const dropped of this.log.splice(0, this.log.length - cap)) {
        this.originals.delete(dropped.id);
      }
    }
    const started = performance.now();
    const delivery = this.post(url, JSON.stringify(payload), headers, settings.callbackTimeoutMs)
      .then((status) => {
        entry.status = status;
        entry.outcome = status >= 200 && status < 300 ? 'delivered' : 'failed';
        if (entry.outcome === 'failed') {
          entry.error = `HTTP ${status}`;
        }
      })
      .catch((error: unknown) => {
        entry.outcome = 'failed';
        entry.error =
          error instanceof DeliveryTimeout
            ? `timeout after ${settings.callbackTimeoutMs} ms`
            : error instanceof ForbiddenAddressError
              ? 'address not allowed (the mock confines callbacks to loopback)'
              : ((error as { code?: string }).code ?? 'connection failed');
      })
      .finally(() => {
        entry.durationMs = Math.round(performance.now() - started);
        this.inFlight.delete(delivery);
        this.waiting.shift()?.();
        const delay = settings.retryDelaysMs[attempt - 1];
        if (entry.outcome === 'failed' && delay !== undefined && this.hasRoomFor(entry.taskId)) {
          const cancel = clock.schedule(clock.now() + delay, () => {
            this.cancels.delete(cancel);
            this.attempt(url, payload, attempt + 1, 'retry');
          });
          this.cancels.add(cancel);
        }
      });
    this.inFlight.add(delivery);
  }
}
