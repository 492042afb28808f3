import { worstCaseCallMs } from '../../../src/adapters/dynamodb/retry-budget.js';
import { reconnectDelayMs } from '../../../src/adapters/redis/redis-client-options.js';
import type { Config } from '../../../src/config/config.js';

/** Settings every drill shares: a breaker that opens and probes within the drill, no TTL jitter. */
export const DRILL_ENV: Readonly<Record<string, string>> = {
  REDIS_CONNECT_TIMEOUT_MS: '200',
  REDIS_BREAKER_FAILURE_THRESHOLD: '5',
  REDIS_BREAKER_COOLDOWN_MS: '500',
  CACHE_TTL_JITTER_PERCENT: '0',
};

// The part a drill breaks gets a small timeout, so the fault and the recovery take seconds; the healthy
// part keeps its production default. Here the API, dynalite and the readers share one process on a
// busy two-core machine: with every read bypassing Redis, dynalite answers in 100–300 ms, and a stalled
// event loop fires a timer before it reads the reply. Small timeouts there would fake a second fault.

/** Redis under fault, DynamoDB healthy. */
export const REDIS_FAULT_ENV: Readonly<Record<string, string>> = {
  REDIS_COMMAND_TIMEOUT_MS: '200',
  DYNAMODB_TIMEOUT_MS: '1000',
};

/** DynamoDB under fault, Redis healthy. */
export const DYNAMODB_FAULT_ENV: Readonly<Record<string, string>> = {
  REDIS_COMMAND_TIMEOUT_MS: '1000',
  DYNAMODB_TIMEOUT_MS: '200',
};

/** Reads run this long before the fault starts. */
export const LEAD_MS = 300;

/** redis-cache-store.ts's deadline: the command timeout plus this backstop margin. */
const REDIS_DEADLINE_MARGIN_MS = 20;
/** At most three Redis calls bound one read: GET, ACQUIRE (its polls fall within the lease wait), FILL. */
const REDIS_CALLS_PER_READ = 3;
/** Room for a noisy, shared two-core machine: the bounds catch hangs, not milliseconds. */
const SCHEDULING_SLACK_MS = 1_000;
/** The longest pause of the Redis client's reconnect loop. */
const MAX_RECONNECT_DELAY_MS = reconnectDelayMs(Number.MAX_SAFE_INTEGER);

/**
 * The longest one read may take: its Redis calls, the lease wait, and one DynamoDB call (every attempt
 * timing out, with the longest pauses between: the SDK's retries as configured).
 */
export function readBoundMs(config: Config): number {
  const redisCallMs = config.redis.commandTimeoutMs + REDIS_DEADLINE_MARGIN_MS;
  return (
    REDIS_CALLS_PER_READ * redisCallMs +
    config.cache.policy.leaseWaitMs +
    worstCaseCallMs(config.dynamodb.maxAttempts, config.dynamodb.timeoutMs) +
    SCHEDULING_SLACK_MS
  );
}

/**
 * How soon after the fault clears every id must answer HIT again: the breaker's cool-down, the
 * client's longest reconnect pause, a lease left by a failed load expiring, then one read.
 */
export function recoveryBoundMs(config: Config): number {
  return (
    config.redis.breaker.cooldownMs +
    MAX_RECONNECT_DELAY_MS +
    config.cache.policy.leaseTtlMs +
    readBoundMs(config)
  );
}

/**
 * A soft TTL that keeps entries warmed just before the fault fresh while it holds (a second to spare),
 * and is short enough to wait out when the drill needs stale entries.
 */
export function softTtlSecondsFor(holdMs: number): number {
  return Math.ceil((LEAD_MS + holdMs) / 1000) + 1;
}
