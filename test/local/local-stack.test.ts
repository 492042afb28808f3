import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';

// A generous command timeout: on a busy machine a slow reply must not turn an expected HIT into BYPASS.
const STACK_ENV = { PORT: '0', LOG_LEVEL: 'SILENT', REDIS_COMMAND_TIMEOUT_MS: '1000' };

function portIsOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the local stack over real HTTP (npm start)', () => {
  let stack: LocalStack;
  const get = (path: string, init?: RequestInit) => fetch(`${stack.url}${path}`, init);

  beforeAll(async () => {
    stack = await startLocalStack(STACK_ENV);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('says where each part listens', () => {
    expect(stack.parts.map((part) => part.name)).toEqual([
      'DynamoDB (dynalite, with change capture)',
      'Redis (redis-server child)',
      'API',
    ]);
    expect(stack.runtime.cacheStoreKind).toBe('redis');
  });

  it('serves the seeded sample catalog: a miss, then a hit', async () => {
    const expected = sampleCatalog().at(41);
    const miss = await get('/product/prod-0042');
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(miss.headers.get('content-type')).toBe('application/json');
    expect(await miss.json()).toEqual(expected);

    const hit = await get('/product/prod-0042');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.json()).toEqual(expected);
  });

  it('holds all 1,000 sample products, prod-0001 to prod-1000', async () => {
    expect((await get('/product/prod-1000')).status).toBe(200);
    expect((await get('/product/prod-1001')).status).toBe(404);
  });

  it('answers 404 "Product not found" for an unknown id', async () => {
    const response = await get('/product/no-such-product');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Product not found' });
  });

  it.each([
    ['empty', '/product/'],
    ['with a space', '/product/bad%20id'],
    ['with braces', '/product/%7Bslot%7D'],
    ['with a non-ASCII letter', '/product/caf%C3%A9'],
    ['with broken percent-encoding', '/product/%E0%A4%A'],
    ['of 129 characters', `/product/${'a'.repeat(129)}`],
  ])('answers 400 with a JSON message for an id %s', async (_label, path) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(((await response.json()) as { message: string }).message).toMatch(/productId/);
  });

  it('accepts an id of exactly 128 characters', async () => {
    expect((await get(`/product/${'a'.repeat(128)}`)).status).toBe(404);
  });

  it.each(['POST', 'PATCH'])('answers 405 with Allow to %s', async (method) => {
    const response = await get('/product/prod-0001', { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE');
    expect(((await response.json()) as { message: string }).message).toContain(method);
  });

  it('serves the write routes too: PUT creates, DELETE removes', async () => {
    const path = '/product/local-stack-write';
    const put = await get(path, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Written locally', price: 1 }),
    });
    expect(put.status).toBe(201);
    expect(((await (await get(path)).json()) as { name: string }).name).toBe('Written locally');
    expect((await get(path, { method: 'DELETE' })).status).toBe(204);
    expect((await get(path)).status).toBe(404);
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await get('/product/prod-0001', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('answers 404 JSON for an unknown route', async () => {
    // Not /products: that is the batch read now.
    const response = await get('/catalogue');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not found' });
  });

  it('stops every part it started', async () => {
    const other = await startLocalStack(STACK_ENV);
    const redisUrl = other.parts.find((part) => part.name.startsWith('Redis'))?.where ?? '';
    const dynamoUrl = other.parts.find((part) => part.name.startsWith('DynamoDB'))?.where.split(',')[0] ?? '';
    expect(await portIsOpen(redisUrl)).toBe(true);
    expect(await portIsOpen(dynamoUrl)).toBe(true);
    await other.stop();
    expect(await portIsOpen(other.url)).toBe(false);
    expect(await portIsOpen(redisUrl)).toBe(false);
    expect(await portIsOpen(dynamoUrl)).toBe(false);
  });
});
