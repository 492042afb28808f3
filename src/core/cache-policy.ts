/** What a write does to the cache: store the new version, or remove the entry for the next read to fill. */
export type WriteMode = 'write-through' | 'invalidate';

/**
 * How the cache treats every item: one value shared by the configuration and the engine.
 * Defaults work locally and on AWS; config.ts maps each field to an environment variable.
 */
export interface CachePolicy {
  /** Soft TTL: how long an entry is fresh. */
  readonly ttlSeconds: number;
  /** How long past its soft TTL an entry is kept, to be served while it is refreshed or the source fails. */
  readonly graceSeconds: number;
  /** Spread of every TTL, ± this percent, so entries filled together do not expire together. */
  readonly ttlJitterPercent: number;
  /** How long a "not found" is fresh; it is kept for as long again as grace. */
  readonly negativeTtlSeconds: number;
  /** How long a lease guards one load and fill before another caller may take over. */
  readonly leaseTtlMs: number;
  /** How long a caller without the lease waits for the holder's fill before loading by itself. */
  readonly leaseWaitMs: number;
  /** XFetch β: how early hot entries are refreshed before their soft TTL; 0 turns early refresh off. */
  readonly earlyRefreshBeta: number;
  /** How long a change's fence lasts: well past the lease TTL and DynamoDB's replication lag. */
  readonly fenceTtlMs: number;
  /**
   * How long a failed load with no stale entry to serve is remembered: meanwhile readers in every
   * process answer with the failure at once instead of asking the failing source again. 0: never.
   */
  readonly sourceFailureTtlMs: number;
  readonly writeMode: WriteMode;
}

export const DEFAULT_CACHE_POLICY: CachePolicy = {
  ttlSeconds: 300,
  graceSeconds: 3600,
  ttlJitterPercent: 10,
  negativeTtlSeconds: 30,
  // What config.ts derives from its defaults: 3 DynamoDB attempts of 1 s, their pauses, and a fill.
  leaseTtlMs: 3300,
  leaseWaitMs: 400,
  earlyRefreshBeta: 1,
  fenceTtlMs: 10_000,
  sourceFailureTtlMs: 1000,
  writeMode: 'write-through',
};

/** Soft and hard lifetimes of one fill, in milliseconds from now. */
export interface EntryLifetime {
  readonly softMs: number;
  readonly hardMs: number;
}

/** `random` returns a number in [0, 1). */
export function entryLifetime(policy: CachePolicy, found: boolean, random: () => number): EntryLifetime {
  const softMs = jitteredMs(
    found ? policy.ttlSeconds : policy.negativeTtlSeconds,
    policy.ttlJitterPercent,
    random,
  );
  const graceMs = (found ? policy.graceSeconds : policy.negativeTtlSeconds) * 1000;
  return { softMs, hardMs: softMs + graceMs };
}

/** A duration spread by up to ±`jitterPercent`. */
export function jitteredMs(seconds: number, jitterPercent: number, random: () => number): number {
  const baseMs = seconds * 1000;
  const spreadMs = (baseMs * jitterPercent) / 100;
  return Math.max(1, Math.round(baseMs - spreadMs + 2 * spreadMs * random()));
}
