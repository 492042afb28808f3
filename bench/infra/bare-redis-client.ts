import { Redis } from 'ioredis';
import { buildStandaloneOptions } from '../../src/adapters/redis/redis-client-options.js';

/**
 * An ioredis client configured as Aside's and nothing on top, connected: the floor the hit-path ratios are
 * measured against, so a ratio isolates what Aside adds.
 */
export async function connectBareRedis(url: string): Promise<Redis> {
  const redis = new Redis(
    buildStandaloneOptions({ url, mode: 'standalone', connectTimeoutMs: 500, commandTimeoutMs: 1000 }),
  );
  await redis.connect();
  return redis;
}
