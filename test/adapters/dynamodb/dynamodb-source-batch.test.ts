import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDocumentClient } from '../../../src/adapters/dynamodb/create-dynamodb-client.js';
import { DynamoDbSource } from '../../../src/adapters/dynamodb/dynamodb-source.js';
import { tombstone } from '../../../src/adapters/dynamodb/tombstone.js';
import { SourceError } from '../../../src/core/source-error.js';
import { DYNALITE_CREDENTIALS } from '../../../src/local/dynalite-server.js';
import { sampleCatalog } from '../../../src/local/sample-catalog.js';
import type { Product } from '../../../src/products/product.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../support/dynamodb-fault-proxy.js';
import { type LocalDynamoDb, REGION, startLocalDynamoDb } from '../../support/local-dynamodb.js';

const TABLE = 'Products';
const EVENTUAL = { consistent: false } as const;
const CATALOG = sampleCatalog(6);

describe('DynamoDbSource.loadMany (BatchGetItem) against dynalite', () => {
  let dynamo: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;

  const sourceVia = async (endpoint: string, maxAttempts = 3) => {
    const readUnits: number[] = [];
    const pauses: number[] = [];
    const client = await createDynamoDbDocumentClient({
      region: REGION,
      endpoint,
      daxEndpoint: undefined,
      timeoutMs: 1_000,
      maxAttempts,
      credentials: DYNALITE_CREDENTIALS,
    });
    const source = new DynamoDbSource<Product>({
      client,
      tableName: TABLE,
      keyName: 'productId',
      onReadUnits: (units) => readUnits.push(units),
      maxAttempts,
      sleep: async (ms) => {
        pauses.push(ms);
      },
    });
    return { source, readUnits, pauses };
  };

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb(TABLE, CATALOG);
    await dynamo.documents.send(
      new PutCommand({ TableName: TABLE, Item: tombstone('productId', 'prod-0006', 9, Date.now()) }),
    );
    proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
  });

  afterEach(() => {
    proxy.batchGetUnprocessed = undefined;
    proxy.fault = 'none';
  });

  afterAll(async () => {
    await proxy.stop();
    await dynamo.stop();
  });

  it('reads found items with their versions, absent and tombstoned ones as null, in one request', async () => {
    const { source, readUnits } = await sourceVia(proxy.endpoint);
    const before = proxy.batchGetKeyCounts.length;
    const { records, failed } = await source.loadMany(
      ['prod-0002', 'prod-9999', 'prod-0001', 'prod-0006'],
      EVENTUAL,
    );
    expect(failed.size).toBe(0);
    expect(Object.fromEntries(records)).toEqual({
      'prod-0001': { value: CATALOG[0], version: 1 },
      'prod-0002': { value: CATALOG[1], version: 1 },
      'prod-9999': null,
      'prod-0006': null,
    });
    expect(proxy.batchGetKeyCounts.slice(before)).toEqual([4]);
    expect(readUnits.length).toBe(1);
  });

  it('asks again for the keys DynamoDB left unprocessed, after a short jittered pause', async () => {
    const { source, pauses } = await sourceVia(proxy.endpoint);
    let requests = 0;
    // The first answer leaves 3 of 5 keys unprocessed; the next reads them all.
    proxy.batchGetUnprocessed = () => (requests++ === 0 ? 3 : 0);
    const before = proxy.batchGetKeyCounts.length;
    const ids = ['prod-0001', 'prod-0002', 'prod-0003', 'prod-0004', 'prod-0005'];
    const { records, failed } = await source.loadMany(ids, EVENTUAL);
    expect(failed.size).toBe(0);
    expect([...records.keys()].sort()).toEqual(ids);
    expect([...records.values()].every((record) => record?.version === 1)).toBe(true);
    expect(proxy.batchGetKeyCounts.slice(before)).toEqual([5, 3]);
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeLessThan(50);
  });

  it('stops after the configured attempts, failing only the keys still unread, as throttled', async () => {
    const { source, pauses } = await sourceVia(proxy.endpoint, 3);
    proxy.batchGetUnprocessed = () => 1;
    const before = proxy.batchGetKeyCounts.length;
    const { records, failed } = await source.loadMany(
      ['prod-0001', 'prod-0002', 'prod-0003', 'prod-0004'],
      EVENTUAL,
    );
    // Each request reads all but its last key: 4, then 1 (reads nothing), then 1 again: 3 requests.
    expect(proxy.batchGetKeyCounts.slice(before)).toEqual([4, 1, 1]);
    expect(pauses).toHaveLength(2);
    expect([...records.keys()].sort()).toEqual(['prod-0001', 'prod-0002', 'prod-0003']);
    expect([...failed.keys()]).toEqual(['prod-0004']);
    expect(failed.get('prod-0004')).toMatchObject({ name: 'SourceError', code: 'SOURCE_THROTTLED' });
  });

  it('rejects with SOURCE_THROTTLED when the whole request is throttled', async () => {
    const { source } = await sourceVia(proxy.endpoint, 2);
    proxy.fault = 'throttle';
    const error = await source.loadMany(['prod-0001'], EVENTUAL).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'SOURCE_THROTTLED' });
  });
});
