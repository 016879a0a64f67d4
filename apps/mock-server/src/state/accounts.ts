/**
 * Accounts: one per API key, each with its own credits and rate limits. Keys stay in memory only;
 * everything that leaves the process (logs, admin answers) names an account by a hash.
 */
import { createHash } from 'node:crypto';
import { SlidingWindowLimiter } from './rate-limiter';

/** kie.ai's limits: 20 new tasks per 10 s per account, 10 recordInfo queries per second per key. */
export const CREATE_LIMIT = { limit: 20, windowMs: 10_000 } as const;
export const QUERY_LIMIT = { limit: 10, windowMs: 1_000 } as const;

/** One account of the mock. */
export interface Account {
  /** `acct_` + the first 12 hex characters of the key's SHA-256: safe to log and show. */
  readonly id: string;
  /** Credits on the balance (charged when a task succeeds). */
  credits: number;
  /** Credits held by tasks still running; a new task needs `credits - reserved` to cover its price. */
  reserved: number;
  readonly createLimiter: SlidingWindowLimiter;
  readonly queryLimiter: SlidingWindowLimiter;
}

/** The account id of an API key. */
export function accountIdOf(apiKey: string): string {
  return `acct_${createHash('sha256').update(apiKey).digest('hex').slice(0, 12)}`;
}

/** Finds or opens accounts by API key. */
export class Accounts {
  private readonly byKey = new Map<string, Account>();

  constructor(
    private readonly allowedKeys: readonly string[],
    private startingCredits: number,
  ) {}

  /** The account of a bearer token, or undefined when the token is not accepted. */
  authenticate(token: string | undefined): Account | undefined {
    if (!token) {
      return undefined;
    }
    if (this.allowedKeys.length > 0 && !this.allowedKeys.includes(token)) {
      return undefined;
    }
    let account = this.byKey.get(token);
    if (!account) {
      account = {
        id: accountIdOf(token),
        credits: this.startingCredits,
        reserved: 0,
        createLimiter: new SlidingWindowLimiter(CREATE_LIMIT.limit, CREATE_LIMIT.windowMs),
        queryLimiter: new SlidingWindowLimiter(QUERY_LIMIT.limit, QUERY_LIMIT.windowMs),
      };
      this.byKey.set(token, account);
    }
    return account;
  }

  /** Every account opened so far (configured keys are opened on first use). */
  list(): Account[] {
    return [...this.byKey.values()];
  }

  /** Finds an account by its id. */
  byId(id: string): Account | undefined {
    return this.list().find((account) => account.id === id);
  }

  /** Sets the balance of every current and future account. */
  setDefaultCredits(credits: number): void {
    this.startingCredits = credits;
  }

  /** Forgets every account. */
  clear(): void {
    this.byKey.clear();
  }
}
