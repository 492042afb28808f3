import type { Logger } from '@aws-lambda-powertools/logger';
import { BreakerCacheStore } from '../adapters/breaker/breaker-cache-store.js';
import { MemoryCacheStore } from '../adapters/memory/memory-cache-store.js';
import { memoryHealthProbe } from '../adapters/memory/memory-health-probe.js';
import { createRedisClient, type RedisClient } from '../adapters/redis/create-redis-client.js';
import {
  type AuthSecretReader,
  createSecretsManagerReader,
  parseRedisAuthSecret,
} from '../adapters/redis/redis-auth-token.js';
import { RedisCacheStore } from '../adapters/redis/redis-cache-store.js';
import type { RedisConnectionSettings } from '../adapters/redis/redis-client-options.js';
import type { RedisCredentials } from '../adapters/redis/redis-credentials.js';
import { RedisHealthProbe } from '../adapters/redis/redis-health-probe.js';
import { retryColdStartRead } from '../adapters/redis/retry-cold-start-read.js';
import { RotatingRedisCacheStore } from '../adapters/redis/rotating-redis-cache-store.js';
import { partitionByServingNode } from '../adapters/redis/serving-node.js';
import type { Config } from '../config/config.js';
import type { CacheStore } from '../core/cache-store.js';
import { CacheStoreError } from '../core/cache-store-error.js';
import type { HealthProbe } from '../health/health-probe.js';
import type { CacheReport, CircuitState } from '../health/health-report.js';
import { createBreakerTelemetry } from '../observability/breaker-telemetry.js';
import { createRedisAuthTelemetry } from '../observability/redis-auth-telemetry.js';
import type { Telemetry } from '../observability/telemetry.js';

export type CacheStoreKind = 'redis' | 'memory';

/** What GET /health asks of the cache: a probe of the store's own connection, and its breaker's state. */
export interface CacheHealth {
  readonly probe: HealthProbe<CacheReport>;
  readonly circuit?: () => CircuitState;
}

/**
 * Redis when REDIS_URL is set, else an in-process memory store (with a warning: it is neither shared
 * between processes nor bounded). A Redis that is down at start is not fatal: reads bypass it until
 * the client's reconnect loop finds it again. Neither is an unreadable AUTH secret: Redis then refuses
 * the connection, reads bypass it, and the error log says why. Redis sits behind a circuit breaker, so
 * an outage costs a few command timeouts, not one per call; the memory store cannot time out.
 */
export async function createCacheStore(
  redis: Config['redis'],
  telemetry: Telemetry,
): Promise<{ store: CacheStore; kind: CacheStoreKind; health: CacheHealth }> {
  const { logger } = telemetry;
  if (!redis.url) {
    logger.warn('REDIS_URL is not set: caching in process memory, not shared between processes');
    return { store: new MemoryCacheStore(), kind: 'memory', health: { probe: memoryHealthProbe } };
  }
  const { store, client } = await createRedisStore(redis, { ...redis, url: redis.url }, telemetry);
  try {
    await store.connect(redis.connectTimeoutMs);
  } catch (error) {
    const refused = error instanceof CacheStoreError && error.code === 'CACHE_STORE_AUTH_FAILED';
    logger.warn(
      refused
        ? 'Redis refused the credentials at start; reads go to DynamoDB until it accepts them'
        : 'Redis is not reachable at start; reads go to DynamoDB until it is',
      { error: error as Error },
    );
  }
  const breaker = new BreakerCacheStore(
    store,
    redis.breaker,
    createBreakerTelemetry(telemetry),
    // One circuit per master on a cluster: a lost master bypasses only the keys it serves.
    redis.mode === 'cluster' ? partitionByServingNode(client) : undefined,
  );
  return {
    store: breaker,
    kind: 'redis',
    // The probe uses the client directly, past the breaker: it sees Redis even while the circuit is open.
    // Built per check: after a token rotation the store connects a new client (rotating-redis-cache-store.ts).
    health: { probe: { check: () => new RedisHealthProbe(client()).check() }, circuit: () => breaker.state },
  };
}

/**
 * With REDIS_AUTH_SECRET_ARN, a store whose credentials follow the secret (re-read after Redis refuses
 * them); without, a plain store on the URL's credentials (the local stack, a Redis without AUTH).
 */
async function createRedisStore(
  redis: Config['redis'],
  settings: RedisConnectionSettings,
  telemetry: Telemetry,
): Promise<{ store: RedisCacheStore | RotatingRedisCacheStore; client: () => RedisClient }> {
  if (!redis.authSecretArn) {
    const client = createRedisClient(settings);
    return { store: new RedisCacheStore(client), client: () => client };
  }
  const readSecret = createSecretsManagerReader(redis.authSecretArn);
  const store = new RotatingRedisCacheStore({
    settings,
    credentials: await readCredentials(readSecret, telemetry.logger),
    readSecret,
    refreshIntervalMs: redis.authRefreshIntervalMs,
    listener: createRedisAuthTelemetry(telemetry),
  });
  return { store, client: () => store.client };
}

/** undefined when the secret stays unreadable: Redis then answers NOAUTH, which makes the store re-read it. */
async function readCredentials(
  read: AuthSecretReader,
  logger: Logger,
): Promise<RedisCredentials | undefined> {
  try {
    const secret = await retryColdStartRead(() => read('AWSCURRENT'));
    return parseRedisAuthSecret(secret ?? '');
  } catch (error) {
    logger.error('Redis AUTH secret is unreadable; reads bypass the cache', { error: error as Error });
    return undefined;
  }
}
