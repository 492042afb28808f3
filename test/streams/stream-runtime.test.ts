import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { NumberValueImpl as NumberValue } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRuntime, createApiRuntime } from '../../src/composition/create-api-runtime.js';
import { createStreamRuntime, type StreamRuntime } from '../../src/composition/create-stream-runtime.js';
import { loadConfig } from '../../src/config/config.js';
import { DYNALITE_CREDENTIALS } from '../../src/local/dynalite-server.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import type { Product } from '../../src/products/product.js';
import {
  type Item,
  insertRecord,
  modifyRecord,
  removeRecord,
  sequenceNumberOf,
  streamEvent,
} from '../fixtures/dynamodb-stream-event.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { realElapse, startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

const TABLE = 'Products';
const RETRY_DEADLINE_MS = 15_000;

describe('stream runtime against redis-server, with the read path over dynalite', () => {
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let api: ApiRuntime;
  let stream: StreamRuntime;
  let admin: Redis;
  const [first, second, third] = sampleCatalog(3) as [Product, Product, Product];

  beforeAll(async () => {
    redis = await startTestRedis();
    dynamo = await startLocalDynamoDb(TABLE, sampleCatalog(3));
    const config = loadConfig({
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      DYNAMODB_ENDPOINT: dynamo.server.endpoint,
      CACHE_EARLY_REFRESH_BETA: '0',
      LOG_LEVEL: 'SILENT',
    });
    const options = { dynamoDbCredentials: DYNALITE_CREDENTIALS };
    api = await createApiRuntime(config, options);
    stream = await createStreamRuntime(config, options);
    admin = new Redis(redis.port, '127.0.0.1');
  });

  afterAll(async () => {
    admin.disconnect();
    await stream.close();
    await api.close();
    await dynamo.stop();
    await redis.stop();
  });

  const read = async (id: string) => {
    const response = await api.app.request(`/product/${id}`);
    return { status: response.status, cache: response.headers.get('x-cache'), body: await response.json() };
  };
  const put = (item: Item) => dynamo.documents.send(new PutCommand({ TableName: TABLE, Item: item }));
  const remove = (id: string) =>
    dynamo.documents.send(new DeleteCommand({ TableName: TABLE, Key: { productId: id } }));
  const handled = (...records: DynamoDBRecord[]) => stream.handle(streamEvent(...records));
  const noFailures = { batchItemFailures: [] };

  /** What Lambda does with a reported failure: deliver the batch again from that record, until it passes. */
  const retryUntilApplied = async (event: DynamoDBStreamEvent, failedSequenceNumber: string) => {
    const from = event.Records.findIndex((record) => sequenceNumberOf(record) === failedSequenceNumber);
    const redelivered = streamEvent(...event.Records.slice(from));
    const deadline = Date.now() + RETRY_DEADLINE_MS;
    for (;;) {
      const response = await stream.handle(redelivered);
      if (response.batchItemFailures.length === 0 || Date.now() > deadline) return response;
      await realElapse(100);
    }
  };

  it('writes a newer version through: after v1 was cached, GET answers v2 from the cache', async () => {
    expect(await read('prod-0001')).toMatchObject({ cache: 'MISS', body: first });
    const v2 = { ...first, name: 'Renamed lamp', version: 2 };
    await put(v2);
    expect(await read('prod-0001')).toMatchObject({ cache: 'HIT', body: first });

    expect(await handled(modifyRecord(first, v2))).toEqual(noFailures);
    expect(await read('prod-0001')).toEqual({ status: 200, cache: 'HIT', body: v2 });
  });

  it('invalidates a REMOVE, a TTL deletion alike: GET answers 404 after', async () => {
    expect(await read('prod-0002')).toMatchObject({ status: 200 });
    expect(await read('prod-0003')).toMatchObject({ status: 200 });
    await remove('prod-0002');
    await remove('prod-0003');

    const event = streamEvent(removeRecord(second), removeRecord(third, { ttl: true }));
    expect(event.Records[1]?.userIdentity).toEqual({
      type: 'Service',
      principalId: 'dynamodb.amazonaws.com',
    });
    expect(await stream.handle(event)).toEqual(noFailures);
    expect(await read('prod-0002')).toMatchObject({ status: 404, cache: 'MISS' });
    expect(await read('prod-0003')).toMatchObject({ status: 404, cache: 'MISS' });
  });

  it('keeps the newest version when one key arrives out of order, in one batch or across batches', async () => {
    const [v1, v2, v3, v4] = [1, 2, 3, 4].map((version) => ({
      productId: 'order-1',
      name: `v${version}`,
      version,
    })) as [Item, Item, Item, Item];
    await put(v4);
    expect(await handled(modifyRecord(v2, v3), modifyRecord(v1, v2))).toEqual(noFailures);
    expect(await read('order-1')).toMatchObject({ cache: 'HIT', body: v3 });
    expect(await handled(modifyRecord(v3, v4))).toEqual(noFailures);
    expect(await handled(modifyRecord(v2, v3), insertRecord(v1))).toEqual(noFailures);
    expect(await read('order-1')).toMatchObject({ cache: 'HIT', body: v4 });
  });

  it('invalidates a change of an unversioned item: GET loads what the table holds', async () => {
    const before = { productId: 'foreign-1', name: 'Before' };
    const after = { productId: 'foreign-1', name: 'After' };
    await put(before);
    expect(await read('foreign-1')).toMatchObject({ cache: 'MISS', body: before });
    await put(after);
    expect(await handled(modifyRecord(before, after))).toEqual(noFailures);
    expect(await read('foreign-1')).toMatchObject({ cache: 'MISS', body: after });
  });

  it('replaces a cached "not found" on an INSERT, versioned (written through) or not (invalidated)', async () => {
    for (const id of ['created-1', 'created-2']) {
      expect(await read(id)).toMatchObject({ status: 404, cache: 'MISS' });
      expect(await read(id)).toMatchObject({ status: 404, cache: 'HIT' });
    }
    const versioned = { productId: 'created-1', name: 'Versioned', version: Date.now() };
    const unversioned = { productId: 'created-2', name: 'Unversioned' };
    await put(versioned);
    await put(unversioned);
    expect(await handled(insertRecord(versioned), insertRecord(unversioned))).toEqual(noFailures);
    expect(await read('created-1')).toMatchObject({ status: 200, cache: 'HIT', body: versioned });
    expect(await read('created-2')).toMatchObject({ status: 200, cache: 'MISS', body: unversioned });
  });

  it('caches from a record the same JSON the read path caches from GetItem', async () => {
    const item = {
      productId: 'shapes-1',
      name: 'Shapes',
      version: 5,
      tags: new Set(['b', 'a']),
      sizes: new Set([3, 1]),
      thumbnail: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      serial: NumberValue.from('123456789012345678901234567890'),
      ratio: 0.125,
      dimensions: { width: 10, depth: null, labels: ['x', true] },
    };
    await put(item);
    expect(await handled(insertRecord(item))).toEqual(noFailures);
    const fromRecord = await read('shapes-1');
    expect(fromRecord.cache).toBe('HIT');
    await admin.del('aside:p:{shapes-1}');
    const fromTable = await read('shapes-1');
    expect(fromTable.cache).toBe('MISS');
    expect(fromRecord.body).toEqual(fromTable.body);
  });

  it('skips records whose key cannot be a cache key, and applies the rest of the batch', async () => {
    const valid = { productId: 'valid-1', name: 'Valid', version: 7 };
    const response = await handled(
      insertRecord({ productId: 'bad id', name: 'x', version: 1 }),
      insertRecord({ productId: '{valid-1}', name: 'x', version: 1 }),
      insertRecord({ productId: 'x'.repeat(129), name: 'x', version: 1 }),
      insertRecord(valid),
    );
    expect(response).toEqual(noFailures);
    expect(await read('valid-1')).toMatchObject({ cache: 'HIT', body: valid });
    const keys = await admin.keys('*');
    expect(keys.filter((key) => !/^aside:[pfl]:\{[A-Za-z0-9_.-]{1,128}\}$/.test(key))).toEqual([]);
  });

  it('reports a record whose image cannot be read, rather than passing over the change', async () => {
    const readable = insertRecord({ productId: 'unreadable-0', name: 'Fine', version: 1 });
    const unreadable = insertRecord({ productId: 'unreadable-1', name: 'x', version: 1 });
    unreadable.dynamodb = {
      ...unreadable.dynamodb,
      NewImage: { productId: { S: 'unreadable-1' }, name: { X: 'not a DynamoDB type' } as never },
    };
    expect(await handled(readable, unreadable)).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumberOf(unreadable) }],
    });
    expect(await read('unreadable-0')).toMatchObject({ cache: 'HIT' });
  });

  it('applies a batch delivered twice, or replayed after newer records, harmlessly', async () => {
    const v1 = { productId: 'twice-1', name: 'v1', version: 1 };
    const v2 = { productId: 'twice-1', name: 'v2', version: 2 };
    const recreated = { productId: 'twice-1', name: 'again', version: 3 };
    await put(recreated);
    const event = streamEvent(
      insertRecord(v1),
      modifyRecord(v1, v2),
      removeRecord(v2),
      insertRecord(recreated),
    );
    expect(await stream.handle(event)).toEqual(noFailures);
    expect(await read('twice-1')).toMatchObject({ cache: 'HIT', body: recreated });
    expect(await stream.handle(event)).toEqual(noFailures);
    expect(await stream.handle(event)).toEqual(noFailures);
    // The replayed REMOVE removed the entry; what is cached next is still the newest version.
    expect(await read('twice-1')).toMatchObject({ body: recreated });
    expect(await read('twice-1')).toMatchObject({ cache: 'HIT', body: recreated });
  });

  it('stops a key whose record fails, reports that record, and converges when the batch is retried', async () => {
    const [a1, a2, a3] = [1, 2, 3].map((version) => ({
      productId: 'part-a',
      name: `a${version}`,
      version,
    })) as [Item, Item, Item];
    const [b1, b2] = [1, 2].map((version) => ({ productId: 'part-b', name: `b${version}`, version })) as [
      Item,
      Item,
    ];
    const c1 = { productId: 'part-c', name: 'c1', version: 1 };
    await put(a3);
    await put(c1);
    // A foreign value of the wrong type under b's entry key: every write-through of b fails in Redis.
    await admin.hset('aside:p:{part-b}', 'foreign', '1');
    const event = streamEvent(
      insertRecord(a1),
      modifyRecord(b1, b2),
      modifyRecord(a1, a2),
      removeRecord(b2),
      modifyRecord(a2, a3),
      insertRecord(c1),
    );
    const failedB = sequenceNumberOf(event.Records[1] as DynamoDBRecord);

    expect(await stream.handle(event)).toEqual({ batchItemFailures: [{ itemIdentifier: failedB }] });
    // b's REMOVE, after its failed record, was not applied: it would have deleted the foreign value.
    expect(await admin.type('aside:p:{part-b}')).toBe('hash');

    await admin.del('aside:p:{part-b}');
    expect(await retryUntilApplied(event, failedB)).toEqual(noFailures);
    expect(await read('part-a')).toMatchObject({ cache: 'HIT', body: a3 });
    expect(await read('part-b')).toMatchObject({ status: 404 });
    expect(await read('part-c')).toMatchObject({ cache: 'HIT', body: c1 });
  });

  it('reports the first record when Redis is killed, and converges once the retried batch reaches it again', async () => {
    const v1 = { ...first, name: 'Outage v1', version: 10 };
    const v2 = { ...first, name: 'Outage v2', version: 11 };
    const other = { productId: 'outage-2', name: 'Other', version: 4 };
    await put(v2);
    await put(other);
    const event = streamEvent(
      insertRecord(other),
      modifyRecord({ ...first, version: 2 }, v1),
      modifyRecord(v1, v2),
    );
    await redis.kill();
    const failed = await stream.handle(event);
    expect(failed).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumberOf(event.Records[0] as DynamoDBRecord) }],
    });

    await redis.restart();
    const retried = await retryUntilApplied(event, failed.batchItemFailures[0]?.itemIdentifier ?? '');
    expect(retried).toEqual(noFailures);
    expect(await read('prod-0001')).toMatchObject({ cache: 'HIT', body: v2 });
    expect(await read('outage-2')).toMatchObject({ cache: 'HIT', body: other });
  });
});
