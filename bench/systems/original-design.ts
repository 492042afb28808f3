import { Redis } from 'ioredis';
import { openProductsTable } from './products-table.js';
import { type CreateSystem, NOT_FOUND_BODY } from './system-adapter.js';
import { settingsFromEnvironment } from './system-settings.js';

/**
 * The design Aside starts from, ported plainly: Redis GET product:{id}; on a miss DynamoDB GetItem,
 * then SETEX for the TTL; absent → 404 "Product not found". A client with ioredis's defaults, as that
 * design creates it, and no error handling (a Redis error fails the request). It had no write path:
 * a write goes to DynamoDB alone and the cached item stays until its TTL ends.
 */
export const createSystem: CreateSystem = async () => {
  const settings = settingsFromEnvironment();
  const redis = new Redis(settings.redisUrl);
  const table = openProductsTable(settings);
  return {
    async read(id) {
      const key = `product:${id}`;
      const cached = await redis.get(key);
      if (cached !== null) return { status: 200, body: cached, cacheOutcome: 'hit' };
      const item = await table.get(id);
      if (!item) return { status: 404, body: NOT_FOUND_BODY, cacheOutcome: 'miss' };
      const body = JSON.stringify(item);
      await redis.setex(key, settings.ttlSeconds, body);
      return { status: 200, body, cacheOutcome: 'miss' };
    },
    async write(id, attributes) {
      await table.put(id, attributes);
      return 200;
    },
  };
};
