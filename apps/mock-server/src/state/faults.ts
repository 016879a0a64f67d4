/**
 * Scripted faults: "the next N answers of an operation" become an envelope error, a plain HTTP
 * status, a delay or a dropped connection; per task, per account, or for anyone. A script can
 * skip the first matching requests (`after: 2` makes the 3rd poll fail).
 */
import { randomUUID } from 'node:crypto';
import { type OperationId, OPERATIONS as SPEC_OPERATIONS } from '@kling-kit/contract';

export type { OperationId };

/** The operations of the spec, by operationId (generated from the spec). */
export const OPERATIONS: readonly OperationId[] = SPEC_OPERATIONS.map((operation) => operation.operationId);

/** A fault to inject. Without `code`, `drop` or `httpStatus`, it only delays the real answer. */
export interface FaultSpec {
  /** The operation it applies to, or `*` for every API operation. */
  operation: OperationId | '*';
  /** Only requests about this task (recordInfo's `taskId`). */
  taskId?: string;
  /** Only requests of this account (`acct_…`, see `GET /__admin/accounts`). */
  accountId?: string;
  /** How many matching requests it affects. @default 1 */
  times?: number;
  /** Matching requests to let through untouched first. @default 0 */
  after?: number;
  /** Answer this envelope code instead (e.g. 429, 455, 500). */
  code?: number;
  /** The envelope's message. @default the code's meaning from the spec */
  msg?: string;
  /** The HTTP status. @default kie.ai's rule: 429 for code 429, else 200 (or the code in mirror mode) */
  httpStatus?: number;
  /** A non-JSON body (e.g. an HTML 502 page from a proxy) instead of an envelope. */
  rawBody?: string;
  /** Wait this long (ms, wall clock) before answering. */
  delayMs?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** Adds a `Retry-After` header (seconds). */
  retryAfterSec?: number;
}

/** A scripted fault with its bookkeeping. */
export interface Fault extends Omit<FaultSpec, 'times' | 'after'> {
  times: number;
  after: number;
  readonly id: string;
  /** Matching requests seen so far. */
  seen: number;
  /** Requests it changed so far. */
  applied: number;
}

/** What identifies a request for matching. */
export interface FaultTarget {
  operation: OperationId;
  taskId?: string | undefined;
  accountId?: string | undefined;
}

/** Faults waiting at once, at most. */
const MAX_FAULTS = 1_000;

const isInteger = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/**
 * Validates a fault like any API input: each field of the right type and range, no other field.
 * The admin API answers the RangeError as a 400 naming the field.
 */
export function checkFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RangeError('A fault is a JSON object');
  }
  const spec = input as Record<string, unknown>;
  const rules: Record<string, [(value: unknown) => boolean, string]> = {
    operation: [
      (value) => value === '*' || OPERATIONS.includes(value as OperationId),
      `one of ${OPERATIONS.join(', ')} or *`,
    ],
    taskId: [(value) => typeof value === 'string' && value.length <= 256, 'a string'],
    accountId: [(value) => typeof value === 'string' && value.length <= 256, 'a string'],
    times: [(value) => isInteger(value, 1, 1_000_000), 'an integer from 1 to 1000000'],
    after: [(value) => isInteger(value, 0, 1_000_000), 'an integer from 0 to 1000000'],
    code: [(value) => isInteger(value, 100, 999), 'an integer from 100 to 999'],
    msg: [
      (value) => typeof value === 'string' && value.length <= 10_000,
      'a string of at most 10000 characters',
    ],
    httpStatus: [(value) => isInteger(value, 200, 599), 'a final HTTP status, an integer from 200 to 599'],
    rawBody: [(value) => typeof value === 'string' && value.length <= 1_000_000, 'a string of at most 1 MB'],
    delayMs: [(value) => isInteger(value, 0, 600_000), 'an integer from 0 to 600000 (ms)'],
    drop: [(value) => typeof value === 'boolean', 'true or false'],
    retryAfterSec: [(value) => isInteger(value, 0, 86_400), 'an integer from 0 to 86400 (s)'],
  };
  if (spec.operation === undefined) {
    throw new RangeError(`operation is required: ${rules.operation?.[1]}`);
  }
  for (const [field, value] of Object.entries(spec)) {
    const rule = rules[field];
    if (!rule) {
      throw new RangeError(`Unknown fault field "${field}"`);
    }
    if (value !== undefined && !rule[0](value)) {
      throw new RangeError(`${field} must be ${rule[1]}`);
    }
  }
  return spec as unknown as FaultSpec;
}

export class FaultScripts {
  private faults: Fault[] = [];

  /** Adds a fault; throws a RangeError naming the field when the spec is not valid. */
  add(spec: FaultSpec): Fault {
    const checked = checkFaultSpec(spec);
    if (this.faults.length >= MAX_FAULTS) {
      throw new RangeError(`At most ${MAX_FAULTS} faults can wait at once: remove some first`);
    }
    const fault: Fault = {
      ...checked,
      id: `flt_${randomUUID().slice(0, 8)}`,
      times: checked.times ?? 1,
      after: checked.after ?? 0,
      seen: 0,
      applied: 0,
    };
    this.faults.push(fault);
    return fault;
  }

  /** The fault that applies to this request, if any (and counts it). */
  take(target: FaultTarget): Fault | undefined {
    for (const fault of this.faults) {
      if (
        (fault.operation === '*' || fault.operation === target.operation) &&
        (fault.taskId === undefined || fault.taskId === target.taskId) &&
        (fault.accountId === undefined || fault.accountId === target.accountId)
      ) {
        fault.seen++;
        if (fault.seen <= fault.after) {
          continue;
        }
        fault.applied++;
        if (fault.applied >= fault.times) {
          this.faults = this.faults.filter((other) => other !== fault);
        }
        return fault;
      }
    }
    return undefined;
  }

  list(): Fault[] {
    return [...this.faults];
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }
}
