import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';

const STACK_ENV = { PORT: '0', LOG_LEVEL: 'SILENT', REDIS_COMMAND_TIMEOUT_MS: '1000' };

interface RawResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Sends the request target byte for byte: fetch() would resolve "." and ".." segments itself (as curl does
 * without --path-as-is) before the server ever saw them.
 */
function send(base: string, method: string, path: string, body?: unknown): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

describe('the ids "." and ".." over the local server (npm start)', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack(STACK_ENV);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it.each([
    ['.', '.', ['%2E', '%2e']],
    ['..', '..', ['%2E%2E', '.%2e']],
    ['%2E%2E', '..', ['..']],
  ])('PUT %s stores the id %s, and GET reads it back, also as %j', async (rawId, id, otherRawIds) => {
    const put = await send(stack.url, 'PUT', `/product/${rawId}`, { name: `Dot ${id}`, price: 1 });
    expect([200, 201]).toContain(put.status);
    expect(put.body).toMatchObject({ productId: id, name: `Dot ${id}` });
    for (const raw of [rawId, ...otherRawIds]) {
      const got = await send(stack.url, 'GET', `/product/${raw}`);
      expect(got).toEqual({ status: 200, body: put.body });
    }
  });

  it('DELETE of ".." removes that item only, then GET answers 404 "Product not found"', async () => {
    await send(stack.url, 'PUT', '/product/..', { name: 'Two dots', price: 2 });
    await send(stack.url, 'PUT', '/product/.', { name: 'One dot', price: 1 });
    expect((await send(stack.url, 'DELETE', '/product/..')).status).toBe(204);
    expect(await send(stack.url, 'GET', '/product/..')).toEqual({
      status: 404,
      body: { message: 'Product not found' },
    });
    expect((await send(stack.url, 'GET', '/product/.')).status).toBe(200);
  });

  it('routes other dot segments as sent rather than resolving them', async () => {
    expect(await send(stack.url, 'GET', '/product/../product/prod-0001')).toEqual({
      status: 404,
      body: { message: 'Not found' },
    });
    expect((await send(stack.url, 'GET', '/product/prod-0001')).status).toBe(200);
  });
});
