import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRuntime, createApiRuntime } from '../../src/composition/create-api-runtime.js';
import { loadConfig } from '../../src/config/config.js';
import { DYNALITE_CREDENTIALS } from '../../src/local/dynalite-server.js';
import { type NodeHttpServer, serveOverHttp } from '../../src/local/node-http-server.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../support/dynamodb-fault-proxy.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const LAMP = { name: 'Lamp', price: 19.5, tags: ['desk'], dimensions: { h: 40 }, discontinued: null };

interface Served {
  readonly runtime: ApiRuntime;
  readonly server: NodeHttpServer;
}

describe('PUT and DELETE /product/{productId} over the local Node server', () => {
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;
  const served: Served[] = [];
  let url: string;
  let nextId = 0;
  const freshId = () => `http-${++nextId}`;

  const serve = async (env: Record<string, string>) => {
    const config = loadConfig({
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      DYNAMODB_ENDPOINT: dynamo.server.endpoint,
      LOG_LEVEL: 'SILENT',
      ...env,
    });
    const runtime = await createApiRuntime(config, {
      dynamoDbCredentials: DYNALITE_CREDENTIALS,
      routes: ['read', 'write'],
    });
    const server = await serveOverHttp(runtime.app, 0);
    served.push({ runtime, server });
    return server.url;
  };

  const request = (path: string, init: RequestInit = {}, base = url) => fetch(`${base}${path}`, init);
  const put = (id: string, body: unknown, headers: Record<string, string> = {}, base = url) =>
    request(
      `/product/${id}`,
      { method: 'PUT', headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) },
      base,
    );
  const del = (id: string, headers: Record<string, string> = {}) =>
    request(`/product/${id}`, { method: 'DELETE', headers });

  /** A 4xx always carries a JSON `message`; returns it. */
  const messageOf = async (response: Response) => {
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { message?: unknown };
    expect(typeof body.message).toBe('string');
    return body.message as string;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    dynamo = await startLocalDynamoDb('Products', []);
    proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
    url = await serve({});
  });

  afterAll(async () => {
    for (const { server, runtime } of served) {
      await server.close();
      await runtime.close();
    }
    await proxy.stop();
    await dynamo.stop();
    await redis.stop();
  });

  describe('writes and what GET answers after them', () => {
    it('PUT creates (201) with the stored item and its ETag; GET then answers that version at once', async () => {
      const id = freshId();
      const before = Date.now();
      const created = await put(id, LAMP);
      expect(created.status).toBe(201);
      const product = (await created.json()) as { version: number };
      expect(product).toEqual({ ...LAMP, productId: id, version: expect.any(Number) });
      expect(product.version).toBeGreaterThanOrEqual(before);
      expect(created.headers.get('etag')).toBe(`"${product.version}"`);

      const read = await request(`/product/${id}`);
      expect(read.status).toBe(200);
      expect(read.headers.get('x-cache')).toBe('HIT');
      expect(read.headers.get('etag')).toBe(`"${product.version}"`);
      expect(await read.json()).toEqual(product);
    });

    it('PUT replaces (200) with a higher version, accepting productId equal to the path and a charset', async () => {
      const id = freshId();
      const first = (await (await put(id, LAMP)).json()) as { version: number };
      const replaced = await put(
        id,
        { name: 'Lamp II', price: 0, productId: id },
        {
          'Content-Type': 'application/json; charset=UTF-8',
        },
      );
      expect(replaced.status).toBe(200);
      const second = (await replaced.json()) as { version: number };
      expect(second).toEqual({ name: 'Lamp II', price: 0, productId: id, version: expect.any(Number) });
      expect(second.version).toBeGreaterThan(first.version);
      expect(await (await request(`/product/${id}`)).json()).toEqual(second);
    });

    it('DELETE answers 204 with the ETag of the deletion; GET then 404; a second DELETE 404', async () => {
      const id = freshId();
      const { version } = (await (await put(id, LAMP)).json()) as { version: number };
      const deleted = await del(id);
      expect(deleted.status).toBe(204);
      // The deletion is a change with a version of its own (its tombstone's), above the deleted item's.
      expect(Number(JSON.parse(deleted.headers.get('etag') ?? '"0"'))).toBeGreaterThan(version);
      expect(await deleted.text()).toBe('');
      const read = await request(`/product/${id}`);
      expect(read.status).toBe(404);
      expect(await messageOf(read)).toBe('Product not found');
      const again = await del(id);
      expect(again.status).toBe(404);
      expect(await messageOf(again)).toBe('Product not found');
    });

    it('a re-created item outranks its deleted self, and GET answers it', async () => {
      const id = freshId();
      const { version } = (await (await put(id, LAMP)).json()) as { version: number };
      await del(id);
      const recreated = await put(id, { name: 'Back', price: 1 });
      expect(recreated.status).toBe(201);
      const product = (await recreated.json()) as { version: number };
      expect(product.version).toBeGreaterThan(version);
      expect(await (await request(`/product/${id}`)).json()).toEqual(product);
    });

    it('with CACHE_WRITE_MODE=invalidate, the next GET is a MISS that returns the new version', async () => {
      const invalidating = await serve({ CACHE_WRITE_MODE: 'invalidate' });
      const id = freshId();
      await put(id, LAMP, {}, invalidating);
      expect((await request(`/product/${id}`, {}, invalidating)).headers.get('x-cache')).toBe('MISS');
      const replaced = (await (await put(id, { name: 'New', price: 2 }, {}, invalidating)).json()) as object;
      const read = await request(`/product/${id}`, {}, invalidating);
      expect(read.headers.get('x-cache')).toBe('MISS');
      expect(await read.json()).toEqual(replaced);
      expect((await request(`/product/${id}`, {}, invalidating)).headers.get('x-cache')).toBe('HIT');
    });
  });

  describe('preconditions', () => {
    it('If-Match: 200 when it names the current version, 412 when stale, 412 when absent', async () => {
      const id = freshId();
      const etag = (await put(id, LAMP)).headers.get('etag') as string;
      const stale = await put(id, LAMP, { 'If-Match': '"1"' });
      expect(stale.status).toBe(412);
      expect(await messageOf(stale)).toMatch(/If-Match/);
      const matched = await put(id, { ...LAMP, price: 2 }, { 'If-Match': etag });
      expect(matched.status).toBe(200);
      expect((await put(id, LAMP, { 'If-Match': etag })).status).toBe(412);
      expect((await put(freshId(), LAMP, { 'If-Match': '*' })).status).toBe(412);
    });

    it('If-None-Match: * creates only when absent', async () => {
      const id = freshId();
      expect((await put(id, LAMP, { 'If-None-Match': '*' })).status).toBe(201);
      const exists = await put(id, LAMP, { 'If-None-Match': '*' });
      expect(exists.status).toBe(412);
      await messageOf(exists);
    });

    it('DELETE with If-Match: 412 when stale or absent (the item stays), 204 when current', async () => {
      const id = freshId();
      const etag = (await put(id, LAMP)).headers.get('etag') as string;
      const stale = await del(id, { 'If-Match': '"1"' });
      expect(stale.status).toBe(412);
      await messageOf(stale);
      expect((await request(`/product/${id}`)).status).toBe(200);
      expect((await del(id, { 'If-Match': etag })).status).toBe(204);
      expect((await del(id, { 'If-Match': etag })).status).toBe(412);
    });

    it('answers 400 to a malformed If-Match', async () => {
      const response = await put(freshId(), LAMP, { 'If-Match': 'not-a-tag' });
      expect(response.status).toBe(400);
      expect(await messageOf(response)).toMatch(/If-Match must be/);
    });
  });

  describe('bad requests, all JSON with a message', () => {
    it.each([
      ['not JSON', '{"name":', /not valid JSON/],
      ['empty', '', /not valid JSON/],
      ['an array', '[]', /must be a JSON object/],
      ['null', 'null', /must be a JSON object/],
      ['without name', '{"price":1}', /name must be a non-empty string/],
      ['with a blank name', '{"name":"  ","price":1}', /name must be a non-empty string/],
      ['with a negative price', '{"name":"a","price":-1}', /price must be a number of at least 0/],
      ['with a string price', '{"name":"a","price":"1"}', /price must be a number of at least 0/],
      ['with another productId', '{"name":"a","price":1,"productId":"other"}', /productId in the body/],
      ['with a version', '{"name":"a","price":1,"version":5}', /version is set by the server; use If-Match/],
      ['with an inexact whole number', '{"name":"a","price":1,"ean":12345678901234567890}', /2\^53/],
      [
        "nested past DynamoDB's 32 levels",
        `{"name":"a","price":1,"x":${'['.repeat(33)}${']'.repeat(33)}}`,
        /32 levels/,
      ],
      [
        'nested 5,000 deep',
        `{"name":"a","price":1,"x":${'['.repeat(5000)}1${']'.repeat(5000)}}`,
        /32 levels/,
      ],
    ])('400 for a body %s', async (_label, body, message) => {
      const response = await request(`/product/${freshId()}`, { method: 'PUT', headers: JSON_TYPE, body });
      expect(response.status).toBe(400);
      expect(await messageOf(response)).toMatch(message);
    });

    it('400 for a body that is not UTF-8, instead of storing replacement characters', async () => {
      const body = new Uint8Array([
        ...new TextEncoder().encode('{"name":"'),
        0xff,
        0xfe,
        ...new TextEncoder().encode('","price":1}'),
      ]);
      const response = await request(`/product/${freshId()}`, { method: 'PUT', headers: JSON_TYPE, body });
      expect(response.status).toBe(400);
      expect(await messageOf(response)).toMatch(/not valid JSON \(UTF-8\)/);
    });

    it('accepts lists and objects nested exactly 32 levels deep', async () => {
      const body = `{"name":"a","price":1,"x":${'['.repeat(32)}${']'.repeat(32)}}`;
      expect(
        (await request(`/product/${freshId()}`, { method: 'PUT', headers: JSON_TYPE, body })).status,
      ).toBe(201);
    });

    it('400 for an invalid id, before the body is looked at', async () => {
      const response = await request('/product/bad%20id', { method: 'PUT', body: 'x' });
      expect(response.status).toBe(400);
      expect(await messageOf(response)).toMatch(/productId/);
      expect((await del('%7Bx%7D')).status).toBe(400);
    });

    it.each([
      ['missing', undefined],
      ['text/plain', 'text/plain'],
      ['form data', 'application/x-www-form-urlencoded'],
      ['another charset', 'application/json; charset=iso-8859-1'],
    ])('415 for a %s Content-Type', async (_label, contentType) => {
      const response = await request(`/product/${freshId()}`, {
        method: 'PUT',
        headers: contentType ? { 'Content-Type': contentType } : {},
        body: contentType ? JSON.stringify(LAMP) : new Blob([JSON.stringify(LAMP)]),
      });
      expect(response.status).toBe(415);
      expect(await messageOf(response)).toMatch(/application\/json/);
    });

    it('413 for a body over 64 KiB, with or without Content-Length; 64 KiB exactly is accepted', async () => {
      const bodyOf = (bytes: number) => {
        const base = JSON.stringify({ ...LAMP, padding: '' });
        return JSON.stringify({ ...LAMP, padding: 'x'.repeat(bytes - base.length) });
      };
      expect((await put(freshId(), JSON.parse(bodyOf(64 * 1024)))).status).toBe(201);
      const sized = await request(`/product/${freshId()}`, {
        method: 'PUT',
        headers: JSON_TYPE,
        body: bodyOf(64 * 1024 + 1),
      });
      expect(sized.status).toBe(413);
      expect(await messageOf(sized)).toMatch(/at most 65536 bytes/);
      const chunked = await request(`/product/${freshId()}`, {
        method: 'PUT',
        headers: JSON_TYPE,
        body: new Blob([bodyOf(80 * 1024)]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      await messageOf(chunked);
    });
  });

  it('503 with Retry-After when DynamoDB throttles a write', async () => {
    const throttled = await serve({ DYNAMODB_ENDPOINT: proxy.endpoint, DYNAMODB_TIMEOUT_MS: '300' });
    proxy.fault = 'throttle';
    try {
      for (const response of [
        await put(freshId(), LAMP, {}, throttled),
        await request(`/product/${freshId()}`, { method: 'DELETE' }, throttled),
      ]) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('1');
        expect(await messageOf(response)).toMatch(/temporarily unavailable/);
      }
    } finally {
      proxy.fault = 'none';
    }
  });
});
