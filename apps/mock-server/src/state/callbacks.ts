/**
 * Callback delivery as kie.ai does it: a POST of the final record plus `consumeCredits` and
 * `remainedCredits` to `callBackUrl`, signed when an HMAC key is set, 15 s timeout, up to 3 retries
 * with backoff on a non-2xx answer or a timeout. Every attempt lands in a delivery log that tests can
 * read, and any delivery can be sent again. Sending never blocks request handling.
 */
import { createHmac } from 'node:crypto';
import type { CallbackPayload, TaskRecord } from '@kling-kit/contract';
import type { MockClock } from './clock';

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

export class CallbackDispatcher {
  private log: DeliveryAttempt[] = [];
  private sequence = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly cancels = new Set<() => void>();

  constructor(private readonly deps: CallbackDispatcherDeps) {}

  /** Starts delivering `payload` to `url` (with retries); returns at once. */
  send(url: string, payload: CallbackPayload, trigger: Exclude<DeliveryTrigger, 'retry'>): void {
    this.attempt(url, payload, 1, trigger);
  }

  /** Sends a logged delivery again, as a new delivery with its own retries. */
  redeliver(deliveryId: string): DeliveryAttempt | undefined {
    const original = this.log.find((entry) => entry.id === deliveryId);
    if (original) {
      this.send(original.url, original.payload, 'redeliver');
    }
    return original;
  }

  /** The delivery log, oldest first; `taskId` filters it. */
  deliveries(taskId?: string): DeliveryAttempt[] {
    return taskId ? this.log.filter((entry) => entry.taskId === taskId) : [...this.log];
  }

  /** Waits until no delivery is in flight (for tests and a clean shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Forgets the log and cancels scheduled retries. */
  clear(): void {
    for (const cancel of this.cancels) {
      cancel();
    }
    this.cancels.clear();
    this.log = [];
  }

  private attempt(url: string, payload: CallbackPayload, attempt: number, trigger: DeliveryTrigger): void {
    const { clock, settings } = this.deps;
    const headers: Record<string, string> = {};
    if (settings.hmacKey) {
      // Signed with wall-clock seconds: receivers check the timestamp against their own clock.
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers['X-Webhook-Timestamp'] = timestamp;
      headers['X-Webhook-Signature'] = signCallback(payload.data.taskId, timestamp, settings.hmacKey);
    }
    const entry: DeliveryAttempt = {
      id: `dlv_${++this.sequence}`,
      taskId: payload.data.taskId,
      url,
      attempt,
      trigger,
      sentAt: clock.now(),
      headers,
      payload,
      outcome: 'pending',
    };
    this.log.push(entry);
    const cap = this.deps.maxLogEntries ?? 10_000;
    if (this.log.length > cap) {
      this.log.splice(0, this.log.length - cap);
    }
    const started = performance.now();
    const delivery = fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'kling-kit-mock/1', ...headers },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(settings.callbackTimeoutMs),
      redirect: 'manual',
    })
      .then(async (response) => {
        await response.body?.cancel();
        entry.status = response.status;
        if (response.ok) {
          entry.outcome = 'delivered';
        } else {
          entry.outcome = 'failed';
          entry.error = `HTTP ${response.status}`;
        }
      })
      .catch((error: unknown) => {
        entry.outcome = 'failed';
        entry.error = describeFetchError(error, settings.callbackTimeoutMs);
      })
      .finally(() => {
        entry.durationMs = Math.round(performance.now() - started);
        this.inFlight.delete(delivery);
        const delay = settings.retryDelaysMs[attempt - 1];
        if (entry.outcome === 'failed' && delay !== undefined) {
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

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') {
      return `timeout after ${timeoutMs} ms`;
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
