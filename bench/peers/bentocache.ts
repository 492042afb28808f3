import { BentoCache, bentostore } from 'bentocache';
import { redisDriver } from 'bentocache/drivers/redis';
import { openProductsTable } from '../systems/products-table.js';
import { type CreateSystem, NOT_FOUND_BODY } from '../systems/system-adapter.js';
import { settingsFromEnvironment } from '../systems/system-settings.js';

/**
 * bentocache (bench-only, its public API from npm): one store with its Redis driver as the only layer
 * (no in-process L1, which Lambda environments could not share), `getOrSet` with the shared TTL and
 * otherwise its defaults; a write puts the item and deletes the cache key.
 */
export const createSystem: CreateSystem = async () => {
  const settings = settingsFromEnvironment();
  const { hostname, port } = new URL(settings.redisUrl);
  const bento = new BentoCache({
    default: 'redis',
    stores: {
      redis: bentostore().useL2Layer(redisDriver({ connection: { host: hostname, port: Number(port) } })),
    },
  });
  const table = openProductsTable(settings);
  const ttlMs = settings.ttlSeconds * 1000;
  return {
    async read(id) {
      let loaded = false;
      const item = await bento.getOrSet({
        key: id,
        ttl: ttlMs,
        factory: async () => {
          loaded = true;
          return (await table.get(id)) ?? null;
        },
      });
      const cacheOutcome = loaded ? 'miss' : 'hit';
      return item
        ? { status: 200, body: JSON.stringify(item), cacheOutcome }
        : { status: 404, body: NOT_FOUND_BODY, cacheOutcome };
    },
    async write(id, attributes) {
      await table.put(id, attributes);
      await bento.delete({ key: id });
      return 200;
    },
  };
};
