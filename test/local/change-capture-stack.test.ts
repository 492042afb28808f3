import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DYNALITE_CREDENTIALS } from '../../src/local/dynalite-server.js';
import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import type { Product } from '../../src/products/product.js';

// A generous command timeout: on a busy machine a slow reply must not turn an expected HIT into BYPASS.
const STACK_ENV = { PORT: '0', LOG_LEVEL: 'SILENT', REDIS_COMMAND_TIMEOUT_MS: '1000' };
/** What the local stack promises: a write made straight to its DynamoDB endpoint reaches GET within this. */
const REACHES_GET_WITHIN_MS = 1_000;
const CATALOG = sampleCatalog();

/** The local stack end to end: writes made straight to its printed DynamoDB endpoint, seen through GET. */
describe('writes to the local DynamoDB endpoint reach the API (local change capture)', () => {
  let stack: LocalStack;
  let client: DynamoDBClient;
  const get = (id: string) => fetch(`${stack.url}/product/${id}`);
  const product = (index: number): Product => CATALOG[index - 1] as Product;
  const put = (item: Product) =>
    client.send(new PutItemCommand({ TableName: 'Products', Item: marshall(item) }));

  /** Polls GET (no fixed sleep) until `done` holds for an answer; resolves with the milliseconds it took. */
  async function msUntil(id: string, done: (status: number, body: unknown) => boolean, since: number) {
    for (;;) {
      const response = await get(id);
      const body = response.status === 200 ? await response.json() : await response.text();
      const elapsed = performance.now() - since;
      if (done(response.status, body)) return elapsed;
      if (elapsed > 5 * REACHES_GET_WITHIN_MS) throw new Error(`GET ${id} never showed the write`);
    }
  }

  beforeAll(async () => {
    stack = await startLocalStack(STACK_ENV);
    const dynamo = stack.parts.find((part) => part.name.startsWith('DynamoDB'));
    expect(dynamo?.name).toBe('DynamoDB (dynalite, with change capture)');
    client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: dynamo?.where.split(',')[0],
      credentials: DYNALITE_CREDENTIALS,
    });
  });

  afterAll(async () => {
    client?.destroy();
    await stack?.stop();
  });

  it('a PutItem made straight to the endpoint changes what GET answers within a second', async () => {
    const v1 = product(7);
    await get(v1.productId);
    const cached = await get(v1.productId);
    expect(cached.headers.get('x-cache')).toBe('HIT');
    expect(await cached.json()).toEqual(v1);

    const v2 = { ...v1, name: 'Renamed straight in DynamoDB', version: 2 };
    const started = performance.now();
    await put(v2);
    const ms = await msUntil(v1.productId, (_status, body) => (body as Product).name === v2.name, started);
    expect(ms).toBeLessThan(REACHES_GET_WITHIN_MS);
    const answer = await get(v1.productId);
    expect(answer.headers.get('x-cache')).toBe('HIT');
    expect(await answer.json()).toEqual(v2);
  });

  it('a DeleteItem made straight to the endpoint makes GET answer 404 within a second', async () => {
    const { productId } = product(8);
    expect((await get(productId)).status).toBe(200);
    const started = performance.now();
    await client.send(new DeleteItemCommand({ TableName: 'Products', Key: marshall({ productId }) }));
    const ms = await msUntil(productId, (status) => status === 404, started);
    expect(ms).toBeLessThan(REACHES_GET_WITHIN_MS);
    expect(await (await get(productId)).json()).toEqual({ message: 'Product not found' });
  });

  it('an UpdateItem that keeps the version (an unversioned writer) still reaches GET: the record invalidates', async () => {
    const { productId } = product(9);
    await get(productId);
    const started = performance.now();
    await client.send(
      new UpdateItemCommand({
        TableName: 'Products',
        Key: marshall({ productId }),
        UpdateExpression: 'SET stock = :stock',
        ExpressionAttributeValues: marshall({ ':stock': 12_345 }),
      }),
    );
    const ms = await msUntil(productId, (_status, body) => (body as Product).stock === 12_345, started);
    expect(ms).toBeLessThan(REACHES_GET_WITHIN_MS);
  });

  it('a burst of writes to one item ends with GET answering the last of them', async () => {
    const base = product(10);
    await get(base.productId);
    const writes = Array.from({ length: 20 }, (_, i) => ({ ...base, stock: i, version: i + 2 }));
    for (const write of writes) await put(write);
    await msUntil(base.productId, (_status, body) => (body as Product).version === 21, performance.now());
    expect(await (await get(base.productId)).json()).toEqual(writes.at(-1));
  });

  it('measures how long a direct write takes to reach GET (50 writes, each under a second)', async () => {
    const samples: number[] = [];
    for (let index = 100; index < 150; index++) {
      const v1 = product(index);
      await get(v1.productId);
      const started = performance.now();
      await put({ ...v1, name: `${v1.name}, rewritten`, version: 2 });
      samples.push(await msUntil(v1.productId, (_status, body) => (body as Product).version === 2, started));
    }
    samples.sort((a, b) => a - b);
    const at = (quantile: number) =>
      samples[Math.min(samples.length - 1, Math.ceil(quantile * samples.length) - 1)] ?? 0;
    console.info(
      `direct write → GET over ${samples.length} writes: p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`,
    );
    expect(at(1)).toBeLessThan(REACHES_GET_WITHIN_MS);
  });
});
