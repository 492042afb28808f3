import { createKeyv } from '@keyv/redis';
import { createCache } from 'cache-manager';
import { openProductsTable } from '../systems/products-table.js';
import { type CreateSystem, NOT_FOUND_BODY } from '../systems/system-adapter.js';
import { settingsFromEnvironment } from '../systems/system-settings.js';

/**
 * cache-manager 7 (bench-only, its public API from npm) over its documented Redis store, Keyv with
 * @keyv/redis: `wrap` with the shared TTL and otherwise defaults; a write puts the item and deletes
 * the cache key.
 */
export const createSystem: CreateSystem = async () => {
  const settings = settingsFromEnvironment();
  const cache = createCache({ stores: [createKeyv(settings.redisUrl)] });
  const table = openProductsTable(settings);
  const ttlMs = settings.ttlSeconds * 1000;
  return {
    async read(id) {
      let loaded = false;
      const item = await cache.wrap(
        id,
        async () => {
          loaded = true;
          return (await table.get(id)) ?? null;
        },
        ttlMs,
      );
      const cacheOutcome = loaded ? 'miss' : 'hit';
      return item
        ? { status: 200, body: JSON.stringify(item), cacheOutcome }
        : { status: 404, body: NOT_FOUND_BODY, cacheOutcome };
    },
    async write(id, attributes) {
      await table.put(id, attributes);
      await cache.del(id);
      return 200;
    },
  };
};
