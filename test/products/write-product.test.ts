import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbProductWriter } from '../../src/adapters/dynamodb/dynamodb-product-writer.js';
import type { RedisCacheStore } from '../../src/adapters/redis/redis-cache-store.js';
import { encodeEntry } from '../../src/core/cache-entry.js';
import { itemKeys } from '../../src/core/cache-keys.js';
import { CacheMaintenance, type MaintenanceResult } from '../../src/core/cache-maintenance.js';
import { DEFAULT_CACHE_POLICY, type WriteMode } from '../../src/core/cache-policy.js';
import { CacheStoreError } from '../../src/core/cache-store-error.js';
import type { StoredProduct } from '../../src/products/product-writer.js';
import { createWriteProduct, type WriteObserver } from '../../src/products/write-product.js';
import { parseCachedEntry } from '../support/cached-entry.js';
import { FakeClock } from '../support/fake-clock.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { openRedisStore, startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

const PREFIX = 'aside';
const LAMP = { name: 'Lamp', price: 20 };

interface Reports {
  written: number;
  preconditionFailed: number;
  maintained: MaintenanceResult[];
  failed: unknown[];
}

describe('the write use-case with real Redis and dynalite', () => {
  let redis: TestRedisServer;
  let store: RedisCacheStore;
  let dynamo: LocalDynamoDb;
  let writer: DynamoDbProductWriter;
  const clock = new FakeClock(Date.now());
  let nextId = 0;
  const freshId = () => `use-case-${++nextId}`;

  const useCase = (writeMode: WriteMode = 'write-through') => {
    const reports: Reports = { written: 0, preconditionFailed: 0, maintained: [], failed: [] };
    const observer: WriteObserver = {
      written: () => reports.written++,
      preconditionFailed: () => reports.preconditionFailed++,
      cacheMaintained: (result) => reports.maintained.push(result),
      cacheMaintenanceFailed: (_id, error) => reports.failed.push(error),
    };
    const maintenance = new CacheMaintenance<StoredProduct>({
      store,
      keyPrefix: PREFIX,
      policy: { ...DEFAULT_CACHE_POLICY, writeMode },
    });
    return { writeProduct: createWriteProduct({ writer, maintenance, observer }), reports };
  };

  const cached = async (id: string) => {
    const text = await store.get(itemKeys(PREFIX, id).entry);
    return text === null ? null : parseCachedEntry<StoredProduct>(text);
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    store = await openRedisStore(redis.url);
    dynamo = await startLocalDynamoDb('Products', []);
    writer = new DynamoDbProductWriter({ client: dynamo.documents, tableName: 'Products', clock });
  });

  afterEach(() => clock.advance(1_000));

  afterAll(async () => {
    await store.close();
    await redis.stop();
    await dynamo.stop();
  });

  it('write-through: the answer comes after the new version is cached', async () => {
    const { writeProduct, reports } = useCase();
    const id = freshId();
    const created = await writeProduct.put(id, LAMP, {});
    expect(created).toMatchObject({
      status: 'created',
      product: { ...LAMP, productId: id, version: clock.now() },
    });
    expect(await cached(id)).toMatchObject({
      ver: clock.now(),
      val: { ...LAMP, productId: id, version: clock.now() },
    });
    clock.advance(10);
    await writeProduct.put(id, { ...LAMP, price: 25 }, {});
    expect(await cached(id)).toMatchObject({ ver: clock.now(), val: { price: 25 } });
    expect(reports).toEqual({
      written: 2,
      preconditionFailed: 0,
      maintained: ['STORED', 'STORED'],
      failed: [],
    });
  });

  it('write-through never moves the cache backwards: an entry already newer stays (SUPERSEDED)', async () => {
    const { writeProduct, reports } = useCase();
    const id = freshId();
    const newer = encodeEntry({
      ver: clock.now() + 60_000,
      val: { name: 'newer' },
      soft: clock.now() + 60_000,
      dt: 0,
    });
    await store.writeThrough(itemKeys(PREFIX, id), {
      entry: newer,
      version: clock.now() + 60_000,
      ttlMs: 60_000,
      fenceTtlMs: 1_000,
    });
    await writeProduct.put(id, LAMP, {});
    expect(await cached(id)).toMatchObject({ val: { name: 'newer' } });
    expect(reports.maintained).toEqual(['SUPERSEDED']);
  });

  it('invalidate mode: the write removes the entry for the next read to fill', async () => {
    const { writeProduct: writeThrough } = useCase();
    const { writeProduct, reports } = useCase('invalidate');
    const id = freshId();
    await writeThrough.put(id, LAMP, {});
    expect(await cached(id)).not.toBeNull();
    clock.advance(10);
    expect(await writeProduct.put(id, LAMP, {})).toMatchObject({ status: 'replaced' });
    expect(await cached(id)).toBeNull();
    expect(reports.maintained).toEqual(['INVALIDATED']);
  });

  it('a delete always invalidates, at the version of the deletion (the fence refuses the deleted version after it)', async () => {
    const { writeProduct, reports } = useCase();
    const id = freshId();
    const created = await writeProduct.put(id, LAMP, {});
    const version = created.status === 'created' ? created.product.version : -1;
    const deleted = await writeProduct.delete(id, {});
    expect(deleted).toEqual({ status: 'deleted', version: expect.any(Number) });
    expect(deleted.status === 'deleted' && deleted.version).toBeGreaterThan(version);
    expect(await cached(id)).toBeNull();
    // A delayed write-through of the deleted version lands after the delete: the fence refuses it.
    const late = encodeEntry({ ver: version, val: LAMP, soft: clock.now() + 60_000, dt: 0 });
    const keys = itemKeys(PREFIX, id);
    expect(await store.writeThrough(keys, { entry: late, version, ttlMs: 60_000, fenceTtlMs: 1_000 })).toBe(
      'SUPERSEDED',
    );
    expect(reports.maintained).toEqual(['STORED', 'INVALIDATED']);
    expect(await writeProduct.delete(id, {})).toEqual({ status: 'not-found' });
    expect(reports.written).toBe(2);
  });

  it('a failed precondition writes nothing and touches no cache entry', async () => {
    const { writeProduct, reports } = useCase();
    const id = freshId();
    await writeProduct.put(id, LAMP, {});
    const before = await cached(id);
    expect(await writeProduct.put(id, { ...LAMP, price: 1 }, { ifNoneMatch: '*' })).toEqual({
      status: 'precondition-failed',
    });
    expect(await writeProduct.delete(id, { ifMatch: [1] })).toEqual({ status: 'precondition-failed' });
    expect(await cached(id)).toEqual(before);
    expect(reports).toMatchObject({ written: 1, preconditionFailed: 2, maintained: ['STORED'] });
  });

  it('Redis down: the write still succeeds and the failed cache step is reported', async () => {
    const { writeProduct, reports } = useCase();
    const id = freshId();
    await redis.kill();
    try {
      expect(await writeProduct.put(id, LAMP, {})).toMatchObject({ status: 'created' });
      expect(await writeProduct.delete(id, {})).toMatchObject({ status: 'deleted' });
      expect(reports.written).toBe(2);
      expect(reports.maintained).toEqual([]);
      expect(reports.failed).toHaveLength(2);
      expect(reports.failed[0]).toBeInstanceOf(CacheStoreError);
    } finally {
      await redis.restart();
    }
  });
});
