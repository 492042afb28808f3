import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDocumentClient } from '../../../src/adapters/dynamodb/create-dynamodb-client.js';
import { DynamoDbSource } from '../../../src/adapters/dynamodb/dynamodb-source.js';
import { retryBackoffMs, worstCaseCallMs } from '../../../src/adapters/dynamodb/retry-budget.js';
import { SourceError } from '../../../src/core/source-error.js';
import { DYNALITE_CREDENTIALS } from '../../../src/local/dynalite-server.js';
import { sampleCatalog } from '../../../src/local/sample-catalog.js';
import type { Product } from '../../../src/products/product.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../support/dynamodb-fault-proxy.js';
import { type LocalDynamoDb, REGION, startLocalDynamoDb } from '../../support/local-dynamodb.js';

const TABLE = 'Products';
const TIMEOUT_MS = 300;
const EVENTUAL = { consistent: false } as const;
const CONSISTENT = { consistent: true } as const;

describe('DynamoDbSource against dynalite', () => {
  let dynamo: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;
  const [first] = sampleCatalog(3);

  const sourceVia = async (endpoint: string, tableName = TABLE, maxAttempts = 3) => {
    const readUnits: number[] = [];
    const client = await createDynamoDbDocumentClient({
      region: REGION,
      endpoint,
      daxEndpoint: undefined,
      timeoutMs: TIMEOUT_MS,
      maxAttempts,
      credentials: DYNALITE_CREDENTIALS,
    });
    const source = new DynamoDbSource<Product>({
      client,
      tableName,
      keyName: 'productId',
      onReadUnits: (units) => readUnits.push(units),
    });
    return { source, readUnits };
  };

  /** The GetItem requests for `id` that reached the proxy while `action` ran. */
  const wireReadsDuring = async (id: string, action: () => Promise<unknown>) => {
    const before = proxy.getItemRequests.length;
    await action();
    return proxy.getItemRequests.slice(before).filter((read) => read.id === id);
  };

  const put = (item: Record<string, unknown>) =>
    dynamo.documents.send(new PutCommand({ TableName: TABLE, Item: item }));

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb(TABLE, sampleCatalog(3));
    proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
  });

  afterAll(async () => {
    await proxy.stop();
    await dynamo.stop();
  });

  it('loads an item with its version and reports the read units consumed', async () => {
    const { source, readUnits } = await sourceVia(dynamo.server.endpoint);
    expect(await source.load('prod-0001', EVENTUAL)).toEqual({ value: first, version: 1 });
    expect(readUnits).toEqual([0.5]);
  });

  it('answers null for an absent item, still reporting read units', async () => {
    const { source, readUnits } = await sourceVia(dynamo.server.endpoint);
    expect(await source.load('prod-9999', EVENTUAL)).toBeNull();
    expect(readUnits).toEqual([0.5]);
  });

  it('sends an eventually consistent GetItem when not asked for consistency', async () => {
    const { source, readUnits } = await sourceVia(proxy.endpoint);
    const reads = await wireReadsDuring('prod-0002', async () => {
      expect(await source.load('prod-0002', EVENTUAL)).toMatchObject({ version: 1 });
    });
    expect(reads).toEqual([{ tableName: TABLE, id: 'prod-0002', consistentRead: false }]);
    expect(readUnits).toEqual([0.5]);
  });

  it('sends ConsistentRead when asked for consistency, which costs a whole read unit', async () => {
    const { source, readUnits } = await sourceVia(proxy.endpoint);
    const consistentBefore = proxy.consistentGetItemReads('prod-0003');
    const reads = await wireReadsDuring('prod-0003', async () => {
      expect(await source.load('prod-0003', CONSISTENT)).toMatchObject({
        value: { productId: 'prod-0003' },
        version: 1,
      });
    });
    expect(reads).toEqual([{ tableName: TABLE, id: 'prod-0003', consistentRead: true }]);
    expect(proxy.consistentGetItemReads('prod-0003') - consistentBefore).toBe(1);
    expect(readUnits).toEqual([1]);
  });

  it('sends ConsistentRead for an absent item too, at a whole read unit', async () => {
    const { source, readUnits } = await sourceVia(proxy.endpoint);
    const reads = await wireReadsDuring('prod-8888', async () => {
      expect(await source.load('prod-8888', CONSISTENT)).toBeNull();
    });
    expect(reads).toEqual([{ tableName: TABLE, id: 'prod-8888', consistentRead: true }]);
    expect(readUnits).toEqual([1]);
  });

  it('sees a write at once with a consistent read', async () => {
    const { source } = await sourceVia(dynamo.server.endpoint);
    await put({ productId: 'fresh-1', name: 'New', version: 41 });
    expect(await source.load('fresh-1', CONSISTENT)).toEqual({
      value: { productId: 'fresh-1', name: 'New', version: 41 },
      version: 41,
    });
  });

  it('reads an item written without a version as version 0', async () => {
    await put({ productId: 'legacy-1', name: 'Old' });
    const { source } = await sourceVia(dynamo.server.endpoint);
    expect(await source.load('legacy-1', EVENTUAL)).toEqual({
      value: { productId: 'legacy-1', name: 'Old' },
      version: 0,
    });
  });

  it.each([
    ['negative', -3],
    ['fractional', 1.5],
    ['a string', '7'],
    ['a boolean', true],
    ['null', null],
  ])('reads an item whose version is %s as version 0, keeping the item as it is', async (_, version) => {
    const id = `odd-version-${String(version)}`;
    await put({ productId: id, name: 'Odd', version });
    const { source } = await sourceVia(dynamo.server.endpoint);
    expect(await source.load(id, EVENTUAL)).toEqual({
      value: { productId: id, name: 'Odd', version },
      version: 0,
    });
  });

  it('gives every attribute a JSON form: sets as arrays, binary as base64, huge whole numbers as exact text', async () => {
    await put({
      productId: 'json-1',
      tags: new Set(['red', 'blue']),
      sizes: new Set([38, 40.5]),
      thumbnail: new Uint8Array([1, 2, 3, 250]),
      serial: 2n ** 64n + 1n,
      nested: { ids: new Set([2n ** 53n + 1n]), price: 0.1 },
      version: 2n ** 53n + 1n,
    });
    const { source } = await sourceVia(dynamo.server.endpoint);
    const loaded = await source.load('json-1', EVENTUAL);
    expect(loaded).toEqual({
      value: {
        productId: 'json-1',
        tags: expect.arrayContaining(['red', 'blue']),
        sizes: expect.arrayContaining([38, 40.5]),
        thumbnail: 'AQID+g==',
        serial: '18446744073709551617',
        nested: { ids: ['9007199254740993'], price: 0.1 },
        version: '9007199254740993',
      },
      version: 0,
    });
    expect(JSON.parse(JSON.stringify(loaded?.value))).toEqual(loaded?.value);
  });

  it('keeps a whole version as large as the hybrid logical clock gives (milliseconds since the epoch)', async () => {
    const version = Date.UTC(2030, 0, 1);
    await put({ productId: 'hlc-1', name: 'Clocked', version });
    const { source } = await sourceVia(dynamo.server.endpoint);
    expect(await source.load('hlc-1', EVENTUAL)).toMatchObject({ version });
  });

  it('rejects with SOURCE_UNAVAILABLE when the table does not exist', async () => {
    const { source } = await sourceVia(dynamo.server.endpoint, 'Missing');
    const error = await source.load('prod-0001', EVENTUAL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', cause: { name: 'ResourceNotFoundException' } });
  });

  it('rejects with SOURCE_THROTTLED when DynamoDB throttles, after the SDK retries', async () => {
    const { source } = await sourceVia(proxy.endpoint);
    proxy.fault = 'throttle';
    const before = proxy.requests;
    const error = await source.load('prod-0001', EVENTUAL).catch((e: unknown) => e);
    proxy.fault = 'none';
    expect(error).toMatchObject({ code: 'SOURCE_THROTTLED' });
    expect(proxy.requests - before).toBe(3);
  });

  it('retries a throttled consistent read as a consistent read', async () => {
    const { source } = await sourceVia(proxy.endpoint);
    proxy.fault = 'throttle';
    const reads = await wireReadsDuring('prod-0002', () =>
      source.load('prod-0002', CONSISTENT).catch((e: unknown) => e),
    );
    proxy.fault = 'none';
    expect(reads).toHaveLength(3);
    expect(reads.every((read) => read.consistentRead)).toBe(true);
  });

  it('makes as many attempts as configured, pausing briefly between them, however long the throttling', async () => {
    const attempts = 5;
    const { source } = await sourceVia(proxy.endpoint, TABLE, attempts);
    proxy.fault = 'throttle';
    const before = proxy.getItemArrivals.length;
    const error = await source.load('prod-0003', EVENTUAL).catch((e: unknown) => e);
    proxy.fault = 'none';
    expect(error).toMatchObject({ code: 'SOURCE_THROTTLED' });
    const arrivals = proxy.getItemArrivals.slice(before);
    expect(arrivals.map((arrival) => arrival.attempt)).toEqual([1, 2, 3, 4, 5]);
    // Each pause stays under its ceiling (50, 100, 200, 400 ms), where the SDK's own throttling pauses
    // would reach 1, 2, 4 and 8 s; the margin is this machine's round trip, not the backoff.
    const margin = 150;
    for (let retry = 1; retry < attempts; retry++) {
      const pause = (arrivals[retry]?.receivedAt ?? 0) - (arrivals[retry - 1]?.receivedAt ?? 0);
      expect(pause).toBeLessThan(retryBackoffMs(retry, () => 1) + margin);
    }
  });

  it('rejects with SOURCE_UNAVAILABLE within its time budget when DynamoDB does not answer', async () => {
    const { source } = await sourceVia(proxy.endpoint);
    proxy.fault = 'hang';
    const started = Date.now();
    const error = await source.load('prod-0001', EVENTUAL).catch((e: unknown) => e);
    proxy.fault = 'none';
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(worstCaseCallMs(3, TIMEOUT_MS) + 500);
  });

  it('rejects with SOURCE_UNAVAILABLE when nothing listens at the endpoint', async () => {
    const { source } = await sourceVia('http://127.0.0.1:9');
    await expect(source.load('prod-0001', EVENTUAL)).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
  });
});
