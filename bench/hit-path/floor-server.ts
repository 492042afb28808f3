import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { itemKeys } from '../../src/core/cache-keys.js';
import { connectBareRedis } from '../infra/bare-redis-client.js';

/**
 * The floor server: an HTTP exchange and one Redis GET, nothing else. `GET /product/<id>` answers the raw
 * cache entry Aside stored under that id (200), or 404; same ioredis options as Aside's client. Prints
 * `FLOOR <url>` once listening. Env: REDIS_URL, CACHE_KEY_PREFIX (default aside).
 */
const redis = await connectBareRedis(process.env.REDIS_URL ?? '');
const prefix = process.env.CACHE_KEY_PREFIX ?? 'aside';
const PATH_PREFIX = '/product/';

const server = createServer(async (request, response) => {
  const id = request.url?.startsWith(PATH_PREFIX) ? request.url.slice(PATH_PREFIX.length) : '';
  const value = id ? await redis.get(itemKeys(prefix, id).entry) : null;
  response.writeHead(value === null ? 404 : 200, { 'content-type': 'application/json' });
  response.end(value ?? '{"message":"Product not found"}');
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`FLOOR http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
