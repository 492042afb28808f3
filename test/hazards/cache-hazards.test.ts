import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDocumentClient } from '../../src/adapters/dynamodb/create-dynamodb-client.js';
import { DynamoDbSource } from '../../src/adapters/dynamodb/dynamodb-source.js';
import type { RedisCacheStore } from '../../src/adapters/redis/redis-cache-store.js';
import { CacheAside } from '../../src/core/cache-aside.js';
import { readEntryHeader } from '../../src/core/cache-entry.js';
import { itemKeys } from '../../src/core/cache-keys.js';
import { CacheMaintenance } from '../../src/core/cache-maintenance.js';
import { type CachePolicy, DEFAULT_CACHE_POLICY } from '../../src/core/cache-policy.js';
import { DYNALITE_CREDENTIALS } from '../../src/local/dynalite-server.js';
import { createTelemetry } from '../../src/observability/telemetry.js';
import type { Product } from '../../src/products/product.js';
import { createStreamHandler } from '../../src/streams/stream-handler.js';
import { modifyRecord, streamEvent } from '../fixtures/dynamodb-stream-event.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../support/dynamodb-fault-proxy.js';
import { GatedSource } from '../support/gated-source.js';
import { type LocalDynamoDb, REGION, startLocalDynamoDb } from '../support/local-dynamodb.js';
import {
  openRedisStore,
  startTestRedis,
  startTestRedisCluster,
  type TestRedisServer,
} from '../support/redis-harness.js';

interface Item {
  readonly productId: string;
  readonly name: string;
  readonly version: number;
}

const PREFIX = 'hazard';
const POLICY: CachePolicy = { ...DEFAULT_CACHE_POLICY, ttlJitterPercent: 0, earlyRefreshBeta: 0 };
/** Short enough that a frozen server makes a call time out quickly, long enough for a busy machine. */
const PAUSE_TIMEOUT_MS = 300;

interface Backend {
  readonly url: string;
  readonly mode: 'standalone' | 'cluster';
  readonly servers: readonly TestRedisServer[];
  stop(): Promise<void>;
}

const BACKENDS: Record<string, () => Promise<Backend>> = {
  'Redis standalone': async () => {
    const server = await startTestRedis();
    return { url: server.url, mode: 'standalone', servers: [server], stop: () => server.stop() };
  },
  'Redis cluster (3 masters)': async () => {
    const cluster = await startTestRedisCluster();
    return { url: cluster.url, mode: 'cluster', servers: cluster.nodes, stop: () => cluster.stop() };
  },
};

/**
 * DESIGN.md section 6's hazards, each caused for real against real Redis and dynalite: a reader whose
 * fill races a change, writes whose cache updates arrive out of order or late, a delete and a
 * re-create. Writes are made as the API makes them: the conditional write in DynamoDB, then the cache
 * step (CacheMaintenance) with the written version.
 */
describe.each(Object.keys(BACKENDS))('cache hazards on %s', (backendName) => {
  let backend: Backend;
  let dynamo: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;
  let store: RedisCacheStore;
  let source: GatedSource<Item>;
  let cache: CacheAside<Item>;
  let maintenance: CacheMaintenance<Item>;
  let serial = 0;
  let id: string;

  const open = async (policy: CachePolicy, commandTimeoutMs?: number) => {
    const opened = await openRedisStore(
      backend.url,
      backend.mode,
      commandTimeoutMs ? { commandTimeoutMs } : {},
    );
    const documents = await createDynamoDbDocumentClient({
      region: REGION,
      endpoint: proxy.endpoint,
      daxEndpoint: undefined,
      timeoutMs: 1_000,
      maxAttempts: 3,
      credentials: DYNALITE_CREDENTIALS,
    });
    const gated = new GatedSource<Item>(
      new DynamoDbSource<Item>({ client: documents, tableName: 'Products', keyName: 'productId' }),
    );
    return {
      store: opened,
      source: gated,
      cache: new CacheAside<Item>({ store: opened, source: gated, keyPrefix: PREFIX, policy }),
      maintenance: new CacheMaintenance<Item>({ store: opened, keyPrefix: PREFIX, policy }),
    };
  };
  const item = (version: number, name = `v${version}`): Item => ({ productId: id, name, version });
  /** A write as the API makes it: DynamoDB first, then the cache step with the written version. */
  const write = async (version: number, into = maintenance) => {
    await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(version) }));
    return into.apply({ id, version, value: item(version) });
  };
  const remove = async (version: number) => {
    await dynamo.documents.send(new DeleteCommand({ TableName: 'Products', Key: { productId: id } }));
    return maintenance.apply({ id, version, value: null });
  };
  const cachedVersion = async () => {
    const text = await store.get(itemKeys(PREFIX, id).entry);
    return text === null ? null : (readEntryHeader(text)?.ver ?? 'unreadable');
  };

  beforeAll(async () => {
    backend = await (BACKENDS[backendName] as () => Promise<Backend>)();
    dynamo = await startLocalDynamoDb('Products', []);
    proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
    ({ store, source, cache, maintenance } = await open(POLICY));
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await proxy?.stop();
    await dynamo?.stop();
    await backend?.stop();
  });

  afterEach(() => {
    for (const server of backend.servers) server.thaw();
    source.release();
  });

  const nextId = () => {
    serial += 1;
    id = `hazard-${serial}`;
  };

  it.each(['write-through', 'invalidate'] as const)(
    'refuses the stale set: a reader that loaded v1 cannot fill it after a v2 written with %s',
    async (mode) => {
      nextId();
      await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(1) }));
      const { read } = source.hold();
      const reader = cache.get(id);
      await read;
      await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(2) }));
      await maintenance.apply({ id, version: 2, value: item(2) }, mode);
      source.release();
      expect((await reader).record?.version).toBe(1);
      expect(await cachedVersion()).toBe(mode === 'write-through' ? 2 : null);
      expect((await cache.get(id)).record?.version).toBe(2);
    },
  );

  it('refuses a fill that a delete overtook: the deleted item is not cached again', async () => {
    nextId();
    await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(1) }));
    const { read } = source.hold();
    const reader = cache.get(id);
    await read;
    expect(await remove(1)).toBe('INVALIDATED');
    source.release();
    expect((await reader).record?.version).toBe(1);
    expect(await cachedVersion()).toBeNull();
    expect(await cache.get(id)).toMatchObject({ outcome: 'MISS', record: null });
  });

  it('fills with a consistent read while a change is recent, so a lagging replica cannot be cached', async () => {
    nextId();
    const shortFence = await open({ ...POLICY, fenceTtlMs: 400, writeMode: 'invalidate' });
    try {
      await write(1, shortFence.maintenance);
      expect(await shortFence.cache.get(id)).toMatchObject({ outcome: 'MISS', record: { version: 1 } });
      expect(proxy.consistentGetItemReads(id)).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await write(2, shortFence.maintenance);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await shortFence.cache.get(id);
      // The fence expired before this read: an eventually consistent read is safe again.
      expect(proxy.getItemReads(id) - proxy.consistentGetItemReads(id)).toBe(1);
    } finally {
      await shortFence.store.close();
    }
  });

  it('keeps the newer of two writes whose cache updates arrive out of order', async () => {
    nextId();
    await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(1) }));
    await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(2) }));
    expect(await maintenance.apply({ id, version: 2, value: item(2) })).toBe('STORED');
    expect(await maintenance.apply({ id, version: 1, value: item(1) })).toBe('SUPERSEDED');
    expect(await cache.get(id)).toMatchObject({ outcome: 'HIT', record: { version: 2 } });
  });

  it.each(['write-through', 'invalidate'] as const)(
    'refuses a fill delayed by a paused server that lands after a v2 written with %s',
    async (mode) => {
      nextId();
      const slow = await open(POLICY, PAUSE_TIMEOUT_MS);
      try {
        await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(1) }));
        const { read } = slow.source.hold();
        const reader = slow.cache.get(id);
        await read;
        await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(2) }));
        await maintenance.apply({ id, version: 2, value: item(2) }, mode);
        for (const server of backend.servers) server.freeze();
        slow.source.release();
        // The fill is sent to the frozen server and times out here; the server runs it once it resumes.
        expect((await reader).record?.version).toBe(1);
        for (const server of backend.servers) server.thaw();
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(await cachedVersion()).toBe(mode === 'write-through' ? 2 : null);
      } finally {
        await slow.store.close();
      }
    },
  );

  it('ends with the newer write when two writes are delayed by a paused server and land in any order', async () => {
    nextId();
    const first = await open(POLICY, PAUSE_TIMEOUT_MS);
    const second = await open(POLICY, PAUSE_TIMEOUT_MS);
    try {
      // Connections to the item's node are opened before the pause, so the writes really are sent.
      await first.store.get(itemKeys(PREFIX, id).entry);
      await second.store.get(itemKeys(PREFIX, id).entry);
      for (const server of backend.servers) server.freeze();
      const older = second.maintenance.apply({ id, version: 1, value: item(1) }).catch((error) => error);
      const newer = first.maintenance.apply({ id, version: 2, value: item(2) }).catch((error) => error);
      const late = await Promise.all([older, newer]);
      expect(late.map((error) => error.code)).toEqual(['CACHE_STORE_TIMEOUT', 'CACHE_STORE_TIMEOUT']);
      for (const server of backend.servers) server.thaw();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await cachedVersion()).toBe(2);
    } finally {
      await first.store.close();
      await second.store.close();
    }
  });

  it('follows a write made outside the API through its stream record, versioned or not', async () => {
    nextId();
    const streamHandler = createStreamHandler({
      maintenance: maintenance as unknown as CacheMaintenance<Product>,
      telemetry: createTelemetry({ metricsNamespace: 'Aside', serviceName: 'aside', logLevel: 'SILENT' }),
      keyConcurrency: 4,
      writeThroughMaxAgeMs: POLICY.fenceTtlMs,
    });
    await write(1);
    expect(await cache.get(id)).toMatchObject({ outcome: 'HIT', record: { version: 1 } });
    // Edited by hand in the console: the name changes, the version does not.
    const edited = { ...item(1), name: 'edited by hand' };
    await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: edited }));
    expect(await streamHandler(streamEvent(modifyRecord(item(1), edited)))).toEqual({
      batchItemFailures: [],
    });
    expect(await cache.get(id)).toMatchObject({ outcome: 'MISS', record: { value: edited } });
    // Another service that does version its writes: written through.
    await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(2) }));
    await streamHandler(streamEvent(modifyRecord(edited, item(2))));
    expect(await cache.get(id)).toMatchObject({ outcome: 'HIT', record: { version: 2 } });
  });

  it('does not let a stream record that lags past the fence put an older version back', async () => {
    nextId();
    const streamHandler = createStreamHandler({
      maintenance: maintenance as unknown as CacheMaintenance<Product>,
      telemetry: createTelemetry({ metricsNamespace: 'Aside', serviceName: 'aside', logLevel: 'SILENT' }),
      keyConcurrency: 4,
      writeThroughMaxAgeMs: POLICY.fenceTtlMs,
    });
    await dynamo.documents.send(new PutCommand({ TableName: 'Products', Item: item(2) }));
    // v1's record, a minute late (an iterator behind); its fence and any v2 entry are long gone.
    const late = modifyRecord(item(0), item(1));
    const changeDate = Math.floor((Date.now() - 60_000) / 1000);
    const lagging = { ...late, dynamodb: { ...late.dynamodb, ApproximateCreationDateTime: changeDate } };
    await streamHandler(streamEvent(lagging));
    expect(await cachedVersion()).toBeNull();
    expect(await cache.get(id)).toMatchObject({ outcome: 'MISS', record: { version: 2 } });
  });

  it('answers 404 after a delete, and the re-created item outranks its deleted self', async () => {
    nextId();
    await write(5);
    expect(await cache.get(id)).toMatchObject({ outcome: 'HIT', record: { version: 5 } });
    await remove(5);
    expect(await cache.get(id)).toMatchObject({ outcome: 'MISS', record: null });
    expect(await cache.get(id)).toMatchObject({ outcome: 'HIT', record: null });
    expect(await write(6)).toBe('STORED');
    expect(await cache.get(id)).toMatchObject({ outcome: 'HIT', record: { version: 6 } });
    // The delete's late cache step, replayed (a stream retry), cannot bring the item back or down.
    expect(await maintenance.apply({ id, version: 5, value: null })).toBe('INVALIDATED');
    expect(await cache.get(id)).toMatchObject({ record: { version: 6 } });
  });
});
