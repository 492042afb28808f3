import { createRedisClient } from '../src/adapters/redis/create-redis-client.js';
import { RedisCacheStore } from '../src/adapters/redis/redis-cache-store.js';
import { BatchRead, MAX_BATCH_IDS } from '../src/core/batch-read.js';
import { CacheAside } from '../src/core/cache-aside.js';
import { DEFAULT_CACHE_POLICY } from '../src/core/cache-policy.js';
import type { BatchSource } from '../src/core/source.js';
import { startRedisServer } from '../src/local/redis-server-process.js';
import { sampleCatalog } from '../src/local/sample-catalog.js';
import type { Product } from '../src/products/product.js';
import { LatencyHistogram } from './latency-histogram.js';

const KEY_PREFIX = 'bench';
const WARMUP_OPS = 500;
const BLOCK_OPS = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Issue 9's budget: a batch of 100 hits costs at most 3 single hits. */
const TARGET_RATIO = 3;

/**
 * A 100-id batch read that is all hits against one single-id hit, through the engine on a real
 * redis-server (one MGET against one GET), in alternating blocks on one client so drift hits both alike.
 * Run: `npx tsx bench/batch-read.ts`.
 */
async function main(): Promise<void> {
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
    const catalog = sampleCatalog(MAX_BATCH_IDS);
    const byId = new Map(catalog.map((product) => [product.productId, product]));
    const source: BatchSource<Product> = {
      load: async (id) => {
        const product = byId.get(id);
        return product ? { value: product, version: product.version } : null;
      },
      loadMany: async (ids) => ({
        records: new Map(ids.map((id) => [id, { value: byId.get(id) as Product, version: 1 }])),
        failed: new Map(),
      }),
    };
    const options = {
      store,
      source,
      keyPrefix: KEY_PREFIX,
      policy: { ...DEFAULT_CACHE_POLICY, ttlSeconds: 3600 },
    };
    const single = new CacheAside<Product>(options);
    const batch = new BatchRead<Product>(options);
    const ids = catalog.map((product) => product.productId);
    const [oneId] = ids as [string];
    await batch.getMany(ids);
    const check = await batch.getMany(ids);
    if (check.some((item) => item.outcome !== 'HIT') || (await single.get(oneId)).outcome !== 'HIT') {
      throw new Error('the engine did not fill and then hit');
    }
    for (let i = 0; i < WARMUP_OPS; i++) {
      await single.get(oneId);
      await batch.getMany(ids);
    }
    const singleHit = new LatencyHistogram();
    const batchHit = new LatencyHistogram();
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < BLOCK_OPS; i++) await singleHit.time(() => single.get(oneId));
      for (let i = 0; i < BLOCK_OPS; i++) await batchHit.time(() => batch.getMany(ids));
    }
    const one = singleHit.summary();
    const hundred = batchHit.summary();
    const ratio = hundred.p50Us / one.p50Us;
    console.log(`single hit      p50 ${one.p50Us} µs  p99 ${one.p99Us} µs  mean ${one.meanUs.toFixed(0)} µs`);
    console.log(
      `100-id all-hit  p50 ${hundred.p50Us} µs  p99 ${hundred.p99Us} µs  mean ${hundred.meanUs.toFixed(0)} µs`,
    );
    console.log(
      `ratio (p50) ${ratio.toFixed(2)}×, mean ${(hundred.meanUs / one.meanUs).toFixed(2)}× (target ≤ ${TARGET_RATIO}×)`,
    );
    if (ratio > TARGET_RATIO) process.exitCode = 1;
  } finally {
    await store.close();
    await server.stop();
  }
}

await main();
