import { connectBareRedis } from '../infra/bare-redis-client.js';
import { openProductsTable } from './products-table.js';
import { type CreateSystem, NOT_FOUND_BODY } from './system-adapter.js';
import { settingsFromEnvironment } from './system-settings.js';

/**
 * The hit path's floor: one Redis GET and nothing else, on an ioredis client configured as Aside's
 * (so a ratio against it isolates what Aside adds). A miss loads and stores without TTL only so the
 * warm-up can fill it; the floor is measured on hits alone.
 */
export const createSystem: CreateSystem = async () => {
  const settings = settingsFromEnvironment();
  const redis = await connectBareRedis(settings.redisUrl);
  const table = openProductsTable(settings);
  return {
    async read(id) {
      const key = `floor:${id}`;
      const cached = await redis.get(key);
      if (cached !== null) return { status: 200, body: cached, cacheOutcome: 'hit' };
      const item = await table.get(id);
      if (!item) return { status: 404, body: NOT_FOUND_BODY, cacheOutcome: 'miss' };
      const body = JSON.stringify(item);
      await redis.set(key, body);
      return { status: 200, body, cacheOutcome: 'miss' };
    },
    async write(id, attributes) {
      await table.put(id, attributes);
      await redis.del(`floor:${id}`);
      return 200;
    },
  };
};
