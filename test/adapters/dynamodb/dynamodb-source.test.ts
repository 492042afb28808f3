import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDocumentClient } from '../../../src/adapters/dynamodb/create-dynamodb-client.js';
import { DynamoDbSource } from '../../../src/adapters/dynamodb/dynamodb-source.js';
import { SourceError } from '../../../src/core/source-error.js';
import { DYNALITE_CREDENTIALS } from '../../../src/local/dynalite-server.js';
import { sampleCatalog } from '../../../src/local/sample-catalog.js';
import type { Product } from '../../../src/products/product.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../support/dynamodb-fault-proxy.js';
import { type LocalDynamoDb, REGION, startLocalDynamoDb } from '../../support/local-dynamodb.js';

const TABLE = 'Products';
const TIMEOUT_MS = 300;

describe('DynamoDbSource against dynalite', () => {
  let dynamo: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;
  const [first] = sampleCatalog(3);

  const sourceVia = async (endpoint: string, tableName = TABLE) => {
    const readUnits: number[] = [];
    const client = await createDynamoDbDocumentClient({
      region: REGION,
      endpoint,
      daxEndpoint: undefined,
      timeoutMs: TIMEOUT_MS,
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
    expect(await source.load('prod-0001')).toEqual({ value: first, version: 1 });
    expect(readUnits).toEqual([0.5]);
  });

  it('answers null for an absent item, still reporting read units', async () => {
    const { source, readUnits } = await sourceVia(dynamo.server.endpoint);
    expect(await source.load('prod-9999')).toBeNull();
    expect(readUnits).toEqual([0.5]);
  });

  it('reads an item written without a version as version 0', async () => {
    await dynamo.documents.send(
      new PutCommand({ TableName: TABLE, Item: { productId: 'legacy-1', name: 'Old' } }),
    );
    const { source } = await sourceVia(dynamo.server.endpoint);
    expect(await source.load('legacy-1')).toEqual({
      value: { productId: 'legacy-1', name: 'Old' },
      version: 0,
    });
  });

  it('rejects with SOURCE_UNAVAILABLE when the table does not exist', async () => {
    const { source } = await sourceVia(dynamo.server.endpoint, 'Missing');
    const error = await source.load('prod-0001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', cause: { name: 'ResourceNotFoundException' } });
  });

  it('rejects with SOURCE_THROTTLED when DynamoDB throttles, after the SDK retries', async () => {
    const { source } = await sourceVia(proxy.endpoint);
    proxy.fault = 'throttle';
    const before = proxy.requests;
    const error = await source.load('prod-0001').catch((e: unknown) => e);
    proxy.fault = 'none';
    expect(error).toMatchObject({ code: 'SOURCE_THROTTLED' });
    expect(proxy.requests - before).toBe(3);
  });

  it('rejects with SOURCE_UNAVAILABLE within its time budget when DynamoDB does not answer', async () => {
    const { source } = await sourceVia(proxy.endpoint);
    proxy.fault = 'hang';
    const started = Date.now();
    const error = await source.load('prod-0001').catch((e: unknown) => e);
    proxy.fault = 'none';
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects with SOURCE_UNAVAILABLE when nothing listens at the endpoint', async () => {
    const { source } = await sourceVia('http://127.0.0.1:9');
    await expect(source.load('prod-0001')).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
  });
});
