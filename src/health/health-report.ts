/** `up`: it answered and can be used; `down`: unreachable, silent past its deadline, or unusable (`error` says why). */
export type DependencyStatus = 'up' | 'down';

/** What every dependency's check reports. */
export interface DependencyReport {
  readonly status: DependencyStatus;
  /** How long the check's round trip took, in milliseconds (absent when it got no answer). */
  readonly roundTripMs?: number;
  readonly error?: string;
}

/** Memory against the limit at which eviction starts. */
export interface CacheMemory {
  readonly usedBytes: number;
  /** `maxmemory`; null when the server has no limit (0), which only a local server should have. */
  readonly maxBytes: number | null;
  /** usedBytes / maxBytes; on a cluster, the fullest master's (eviction starts per master). */
  readonly usedPercent: number | null;
}

/** One master of a Redis cluster, as its own INFO tells. */
export interface CacheNodeReport extends DependencyReport {
  readonly address: string;
  readonly memory?: CacheMemory;
  readonly evictedKeys?: number;
  readonly evictionPolicy?: string;
}

/** The circuit breaker in front of the cache: `open` and `half-open` mean reads bypass the cache. */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CacheReport extends DependencyReport {
  readonly kind: 'redis' | 'memory';
  /** Totals over every master on a cluster. */
  readonly memory?: CacheMemory;
  /** Keys evicted since the server started (INFO stats `evicted_keys`). */
  readonly evictedKeys?: number;
  /** `maxmemory-policy`, or `mixed` when a cluster's masters disagree. */
  readonly evictionPolicy?: string;
  /** A cluster's masters, each with its own figures. */
  readonly nodes?: readonly CacheNodeReport[];
  readonly breaker?: CircuitState;
}

export interface DatabaseReport extends DependencyReport {
  readonly kind: 'dynamodb';
  readonly table: string;
  /** DescribeTable's TableStatus: ACTIVE, UPDATING, … */
  readonly tableStatus?: string;
}

/**
 * `ok`: everything answers. `degraded`: the cache is down or bypassed (its breaker is not closed), so
 * reads still succeed, from DynamoDB. `unavailable`: DynamoDB, the source of truth, does not answer.
 */
export type OverallStatus = 'ok' | 'degraded' | 'unavailable';

export interface HealthReport {
  readonly status: OverallStatus;
  readonly checkedAt: string;
  readonly cache: CacheReport;
  readonly database: DatabaseReport;
}
