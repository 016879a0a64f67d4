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

export class FaultScripts {
  private faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    if (spec.operation !== '*' && !OPERATIONS.includes(spec.operation)) {
      throw new Error(`Unknown operation "${spec.operation}": use one of ${OPERATIONS.join(', ')} or *`);
    }
    const fault: Fault = {
      ...spec,
      id: `flt_${randomUUID().slice(0, 8)}`,
      times: spec.times ?? 1,
      after: spec.after ?? 0,
      seen: 0,
      applied: 0,
    };
    if (!(fault.times >= 1 && fault.after >= 0)) {
      throw new Error('times must be at least 1 and after at least 0');
    }
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
