import type { Logger } from '@aws-lambda-powertools/logger';
import { BreakerCacheStore } from '../adapters/breaker/breaker-cache-store.js';
import { MemoryCacheStore } from '../adapters/memory/memory-cache-store.js';
import { createRedisClient } from '../adapters/redis/create-redis-client.js';
import { loadRedisAuthToken } from '../adapters/redis/redis-auth-token.js';
import { RedisCacheStore } from '../adapters/redis/redis-cache-store.js';
import type { Config } from '../config/config.js';
import type { CacheStore } from '../core/cache-store.js';
import { createBreakerTelemetry } from '../observability/breaker-telemetry.js';
import type { Telemetry } from '../observability/telemetry.js';

export type CacheStoreKind = 'redis' | 'memory';

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
): Promise<{ store: CacheStore; kind: CacheStoreKind }> {
  const { logger } = telemetry;
  if (!redis.url) {
    logger.warn('REDIS_URL is not set: caching in process memory, not shared between processes');
    return { store: new MemoryCacheStore(), kind: 'memory' };
  }
  const authToken = redis.authSecretArn ? await readAuthToken(redis.authSecretArn, logger) : undefined;
  const store = new RedisCacheStore(createRedisClient({ ...redis, url: redis.url, authToken }));
  try {
    await store.connect(redis.connectTimeoutMs);
  } catch (error) {
    logger.warn('Redis is not reachable at start; reads go to DynamoDB until it is', {
      error: error as Error,
    });
  }
  return {
    store: new BreakerCacheStore(store, redis.breaker, createBreakerTelemetry(telemetry)),
    kind: 'redis',
  };
}

async function readAuthToken(secretArn: string, logger: Logger): Promise<string | undefined> {
  try {
    return await loadRedisAuthToken(secretArn);
  } catch (error) {
    logger.error('Redis AUTH secret is unreadable; reads bypass the cache', { error: error as Error });
    return undefined;
  }
}
