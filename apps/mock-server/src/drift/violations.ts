/**
 * The violations `--validate` found: one stderr line each, and a bounded list for
 * `GET /__admin/violations`, each with the (redacted) exchange that caused it.
 */
import type { DriftIssue } from './answer-check';
import type { Exchange, KeptBody } from './exchange';
import { printable } from './redact';

/** One answer that does not match the spec. */
export interface Violation {
  id: number;
  /** Mock-clock time of the exchange (Unix ms). */
  at: number;
  operationId: string;
  method: string;
  path: string;
  status: number;
  issues: DriftIssue[];
  exchange: Exchange;
}

/** Violations kept for the admin API; older ones are dropped (stderr has them all). */
export const MAX_VIOLATIONS = 500;
/** Bodies longer than this (as JSON) are left out of a kept violation, so the list stays small. */
const MAX_KEPT_BODY_CHARS = 64 * 1024;

/** `body` as a violation keeps it: whole, or a note of its size. */
function small(body: KeptBody | undefined): KeptBody | undefined {
  const size = body === undefined ? 0 : JSON.stringify(body).length;
  return size > MAX_KEPT_BODY_CHARS
    ? { omitted: `${size} characters (the cassette of --record keeps it)` }
    : body;
}

export class ViolationLog {
  private readonly kept: Violation[] = [];
  private next = 1;

  constructor(private readonly print: (line: string) => void) {}

  /** Records the issues of one exchange (nothing when there are none) and prints one line per issue. */
  add(exchange: Exchange, issues: readonly DriftIssue[]): void {
    if (issues.length === 0) {
      return;
    }
    const violation: Violation = {
      id: this.next++,
      at: exchange.at,
      operationId: exchange.operationId,
      method: exchange.method,
      path: exchange.path,
      status: exchange.answer.status,
      issues: [...issues],
      exchange: {
        ...exchange,
        request: {
          ...exchange.request,
          ...(exchange.request.body ? { body: small(exchange.request.body) } : {}),
        },
        answer: {
          ...exchange.answer,
          ...(exchange.answer.body ? { body: small(exchange.answer.body) } : {}),
        },
      },
    };
    this.kept.push(violation);
    if (this.kept.length > MAX_VIOLATIONS) {
      this.kept.shift();
    }
    for (const issue of issues) {
      this.print(
        printable(
          `kling-mock: drift: ${exchange.method} ${exchange.path} (${exchange.operationId}, HTTP ${exchange.answer.status}): ` +
            `${issue.path || 'body'}: ${issue.message} [violation ${violation.id}, GET /__admin/violations]`,
        ),
      );
    }
  }

  /** The violations kept, oldest first. */
  list(): Violation[] {
    return [...this.kept];
  }

  clear(): void {
    this.kept.length = 0;
  }
}
