import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeEntry } from '../../src/core/cache-entry.js';
import {
  insertRecord,
  modifyRecord,
  removeRecord,
  sequenceNumberOf,
  streamEvent,
} from '../fixtures/dynamodb-stream-event.js';
import { lambdaContext } from '../support/lambda-context.js';
import { captureEmf, stubLambdaEnvironment } from '../support/lambda-environment.js';
import { startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

type Handler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

describe('Lambda handler for DynamoDB Streams events', () => {
  let redis: TestRedisServer;
  let admin: Redis;
  let handler: Handler;
  let emf: string[] = [];
  const invoke = (event: DynamoDBStreamEvent) => handler(event, lambdaContext('aside-stream'));
  const cachedVersion = async (id: string) => decodeEntry((await admin.get(`aside:p:{${id}}`)) ?? '')?.ver;

  beforeAll(async () => {
    redis = await startTestRedis();
    admin = new Redis(redis.port, '127.0.0.1');
    stubLambdaEnvironment({ redisUrl: redis.url });
    emf = captureEmf();
    ({ handler } = (await import('../../src/lambda/stream.js')) as { handler: Handler });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    admin.disconnect();
    await redis.stop();
  });

  it('applies a batch and writes one EMF document with the records and what they did', async () => {
    const v1 = { productId: 'lambda-1', name: 'One', version: 1 };
    const v2 = { productId: 'lambda-1', name: 'Two', version: 2 };
    const gone = { productId: 'lambda-2', name: 'Gone', version: 5 };
    emf.length = 0;
    const response = await invoke(
      streamEvent(insertRecord(v1), modifyRecord(v1, v2), insertRecord(gone), removeRecord(gone)),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await cachedVersion('lambda-1')).toBe(2);
    expect(await admin.get('aside:p:{lambda-2}')).toBeNull();

    const documents = emf.map((line) => JSON.parse(line));
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      service: 'aside',
      StreamRecords: 4,
      CacheWriteThroughs: 3,
      CacheInvalidations: 1,
    });
    expect(documents[0]).not.toHaveProperty('StreamRecordFailures');
    expect(documents[0]._aws.CloudWatchMetrics[0].Namespace).toBe('Aside');
  });

  it('counts a duplicate record as superseded, not as a second write', async () => {
    const v3 = { productId: 'lambda-1', name: 'Three', version: 3 };
    const record = modifyRecord({ productId: 'lambda-1', name: 'Two', version: 2 }, v3);
    await invoke(streamEvent(record));
    emf.length = 0;
    expect(await invoke(streamEvent(record))).toEqual({ batchItemFailures: [] });
    expect(JSON.parse(emf[0] ?? '{}')).toMatchObject({ StreamRecords: 1, CacheWritesSuperseded: 1 });
    expect(await cachedVersion('lambda-1')).toBe(3);
  });

  it('writes one EMF document of totals even for a batch larger than 100 records', async () => {
    const records = Array.from({ length: 150 }, (_, index) =>
      insertRecord({ productId: `bulk-${index}`, name: 'Bulk', version: 1 }),
    );
    emf.length = 0;
    expect(await invoke(streamEvent(...records))).toEqual({ batchItemFailures: [] });
    const documents = emf.map((line) => JSON.parse(line));
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ StreamRecords: 150, CacheWriteThroughs: 150 });
  });

  it('reports the first record as the batch item failure when Redis is down, and counts the failures', async () => {
    await redis.kill();
    const event = streamEvent(
      insertRecord({ productId: 'lambda-3', name: 'Three', version: 1 }),
      insertRecord({ productId: 'lambda-4', name: 'Four', version: 1 }),
    );
    emf.length = 0;
    const started = Date.now();
    expect(await invoke(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumberOf(event.Records[0] ?? {}) }],
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    const documents = emf.map((line) => JSON.parse(line));
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      StreamRecords: 2,
      StreamRecordFailures: 2,
      CacheMaintenanceErrors: 2,
    });
  });
});
