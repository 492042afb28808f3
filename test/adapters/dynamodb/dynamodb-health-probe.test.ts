import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbHealthProbe } from '../../../src/adapters/dynamodb/dynamodb-health-probe.js';
import { DYNALITE_CREDENTIALS } from '../../../src/local/dynalite-server.js';
import { findFreePort } from '../../../src/local/free-port.js';
import { sampleCatalog } from '../../../src/local/sample-catalog.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../support/dynamodb-fault-proxy.js';
import { type LocalDynamoDb, REGION, startLocalDynamoDb } from '../../support/local-dynamodb.js';

// The deadline /health gives the probe in these tests; the SDK's own timeouts are left long, so only the
// abort can end a hung request in time.
const ABORT_AFTER_MS = 200;
// Catches a hang only.
const HANG_BOUND_MS = 2_000;

const clients: DynamoDBClient[] = [];

/** One attempt per call, so a refused connection is reported at once. */
function clientFor(endpoint: string): DynamoDBClient {
  const client = new DynamoDBClient({
    region: REGION,
    endpoint,
    credentials: DYNALITE_CREDENTIALS,
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

const noDeadline = () => new AbortController().signal;

describe('DynamoDbHealthProbe against dynalite', () => {
  let dynamo: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb('Products', sampleCatalog(1));
    proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await proxy?.stop();
    await dynamo?.stop();
  });

  it('reports the table up, ACTIVE, with its round trip, by DescribeTable (no GetItem, no read units)', async () => {
    const report = await new DynamoDbHealthProbe(clientFor(proxy.endpoint), 'Products').check(noDeadline());
    expect(report).toEqual({
      kind: 'dynamodb',
      table: 'Products',
      status: 'up',
      roundTripMs: expect.any(Number),
      tableStatus: 'ACTIVE',
    });
    expect(proxy.getItemRequests).toEqual([]);
  });

  it('reports a table that does not exist down, naming the error', async () => {
    const report = await new DynamoDbHealthProbe(dynamo.client, 'Missing').check(noDeadline());
    expect(report).toMatchObject({
      kind: 'dynamodb',
      table: 'Missing',
      status: 'down',
      error: expect.stringMatching(/^DescribeTable failed \(ResourceNotFoundException\)/),
    });
  });

  it('reports an endpoint that refuses connections down', async () => {
    const closed = `http://127.0.0.1:${await findFreePort()}`;
    const report = await new DynamoDbHealthProbe(clientFor(closed), 'Products').check(noDeadline());
    expect(report).toMatchObject({ status: 'down', error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('gives up a hung request when its deadline aborts it', async () => {
    proxy.fault = 'hang';
    try {
      const started = performance.now();
      const report = await new DynamoDbHealthProbe(clientFor(proxy.endpoint), 'Products').check(
        AbortSignal.timeout(ABORT_AFTER_MS),
      );
      expect(report).toMatchObject({ status: 'down', error: expect.stringMatching(/abort/i) });
      expect(performance.now() - started).toBeLessThan(HANG_BOUND_MS);
    } finally {
      proxy.fault = 'none';
    }
  });
});
