/**
 * Redis key and channel names. They carry a hash of the API key, never the key: anyone who can read
 * Redis sees `kling-kit:{3f2a…}:createTask`, not a credential. The hash is in braces, a Redis Cluster
 * hash tag, so one key's names share a slot and the Lua script may touch them together.
 */
import { createHash } from 'node:crypto';

export interface KeyNames {
  /** The reserved send times of a limit. */
  limit(operation: string): string;
  /** The recent arrival lags of a limit. */
  lag(operation: string): string;
  /** The processes that asked for budget lately. */
  readonly peers: string;
  /** The short-lived record of a completed task. */
  done(taskId: string): string;
  /** The channel completions are published on. */
  readonly channel: string;
}

/** The first 16 hex characters of the key's SHA-256: enough to keep keys apart, useless to an attacker. */
export const keyHash = (apiKey: string): string =>
  createHash('sha256').update(apiKey).digest('hex').slice(0, 16);

export function keyNames(prefix: string, apiKey: string): KeyNames {
  const base = `${prefix}:{${keyHash(apiKey)}}`;
  return {
    limit: (operation) => `${base}:limit:${operation}`,
    lag: (operation) => `${base}:lag:${operation}`,
    peers: `${base}:peers`,
    done: (taskId) => `${base}:done:${taskId}`,
    channel: `${base}:done`,
  };
}
