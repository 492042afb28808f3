import { createRedisClient } from '../src/adapters/redis/create-redis-client.js';
import { RedisCacheStore } from '../src/adapters/redis/redis-cache-store.js';
import { CacheAside } from '../src/core/cache-aside.js';
import { itemKeys } from '../src/core/cache-keys.js';
import { DEFAULT_CACHE_POLICY } from '../src/core/cache-policy.js';
import { startRedisServer } from '../src/local/redis-server-process.js';
import { sampleCatalog } from '../src/local/sample-catalog.js';
import type { Product } from '../src/products/product.js';
import { LatencyHistogram } from './latency-histogram.js';

const KEY_PREFIX = 'bench';
const WARMUP_OPS = 2_000;
const BLOCK_OPS = 2_000;

export interface EngineVsRedisResult {
  readonly bareGet: ReturnType<LatencyHistogram['summary']>;
  readonly engineHit: ReturnType<LatencyHistogram['summary']>;
}

/**
 * A cache hit through the engine against the floor it is measured by: a bare GET of the same key on
 * the same ioredis client, in the same run, in alternating blocks so drift hits both alike.
 */
export async function measureEngineVsRedis(rounds: number): Promise<EngineVsRedisResult> {
  const server = await startRedisServer();
  const client = createRedisClient({
    url: server.url,
    mode: 'standalone',
    connectTimeoutMs: 1000,
    commandTimeoutMs: 1000,
  });
  const store = new RedisCacheStore(client);
  try {
    await store.connect(1000);
    const [product] = sampleCatalog(1) as [Product];
    const cache = new CacheAside<Product>({
      store,
      source: { load: async () => ({ value: product, version: product.version }) },
      keyPrefix: KEY_PREFIX,
      policy: { ...DEFAULT_CACHE_POLICY, ttlSeconds: 3600 },
    });
    const id = product.productId;
    const key = itemKeys(KEY_PREFIX, id).entry;
    if ((await cache.get(id)).outcome !== 'MISS' || (await cache.get(id)).outcome !== 'HIT') {
      throw new Error('the engine did not fill and then hit');
    }
    for (let i = 0; i < WARMUP_OPS; i++) {
      await client.get(key);
      await cache.get(id);
    }
    const bare = new LatencyHistogram();
    const engine = new LatencyHistogram();
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < BLOCK_OPS; i++) await bare.time(() => client.get(key));
      for (let i = 0; i < BLOCK_OPS; i++) await engine.time(() => cache.get(id));
    }
    return { bareGet: bare.summary(), engineHit: engine.summary() };
  } finally {
    await store.close();
    await server.stop();
  }
}
