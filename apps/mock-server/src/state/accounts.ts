/**
 * Accounts: one per API key, each with its own credits and rate limits. Keys stay in memory only;
 * everything that leaves the process (logs, admin answers) names an account by a hash.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { RATE_LIMITS } from '@kling-kit/contract';
import { SlidingWindowLimiter } from './rate-limiter';

/** kie.ai's limits, from the spec's `x-rate-limit`: new tasks per account, recordInfo queries per key. */
export const CREATE_LIMIT = RATE_LIMITS.createTask;
export const QUERY_LIMIT = RATE_LIMITS.getTaskRecord;

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

/** Whether `token` equals one of `keys`, in time that does not depend on where they differ. */
export function isAcceptedKey(keys: readonly Buffer[], token: string): boolean {
  // Compare SHA-256 digests: equal lengths for timingSafeEqual, and no early exit on length.
  const given = createHash('sha256').update(token).digest();
  let accepted = false;
  for (const key of keys) {
    accepted = timingSafeEqual(key, given) || accepted;
  }
  return accepted;
}

/**
 * Finds or opens accounts by API key. Without configured keys every token opens its own account,
 * so the number kept is capped: past `maxAccounts`, the least recently used account with no task
 * running is forgotten (its balance and limits start afresh if the key comes back).
 */
export class Accounts {
  /** By key, least recently used first (a Map keeps insertion order; a hit moves the key last). */
  private readonly byKey = new Map<string, Account>();
  private readonly allowedKeyDigests: readonly Buffer[];

  constructor(
    allowedKeys: readonly string[],
    private startingCredits: number,
    private readonly maxAccounts: number = 10_000,
  ) {
    this.allowedKeyDigests = allowedKeys.map((key) => createHash('sha256').update(key).digest());
  }

  /** The account of a bearer token, or undefined when the token is not accepted. */
  authenticate(token: string | undefined): Account | undefined {
    if (!token) {
      return undefined;
    }
    if (this.allowedKeyDigests.length > 0 && !isAcceptedKey(this.allowedKeyDigests, token)) {
      return undefined;
    }
    let account = this.byKey.get(token);
    if (account) {
      this.byKey.delete(token);
    } else {
      account = {
        id: accountIdOf(token),
        credits: this.startingCredits,
        reserved: 0,
        createLimiter: new SlidingWindowLimiter(CREATE_LIMIT.limit, CREATE_LIMIT.windowMs),
        queryLimiter: new SlidingWindowLimiter(QUERY_LIMIT.limit, QUERY_LIMIT.windowMs),
      };
      this.evictIdle();
    }
    this.byKey.set(token, account);
    return account;
  }

  /** Every account kept. */
  list(): Account[] {
    return [...this.byKey.values()];
  }

  /** Finds an account by its id. */
  byId(id: string): Account | undefined {
    return this.list().find((account) => account.id === id);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Sets the balance of every current and future account. */
  setDefaultCredits(credits: number): void {
    this.startingCredits = credits;
  }

  /** Forgets every account. */
  clear(): void {
    this.byKey.clear();
  }

  /** Makes room for one more account: drops least recently used accounts with nothing running. */
  private evictIdle(): void {
    if (this.byKey.size < this.maxAccounts) {
      return;
    }
    for (const [key, account] of this.byKey) {
      if (account.reserved === 0) {
        this.byKey.delete(key);
        if (this.byKey.size < this.maxAccounts) {
          return;
        }
      }
    }
  }
}
