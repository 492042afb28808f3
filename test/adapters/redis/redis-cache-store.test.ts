import { afterAll, beforeAll } from 'vitest';
import {
  openRedisStore,
  realElapse,
  startTestRedis,
  type TestRedisServer,
} from '../../support/redis-harness.js';
import { describeCacheStoreContract } from '../cache-store-contract.js';

let server: TestRedisServer;

beforeAll(async () => {
  server = await startTestRedis();
});

afterAll(async () => {
  await server?.stop();
});

describeCacheStoreContract('Redis standalone', async () => ({
  store: await openRedisStore(server.url),
  elapse: realElapse,
}));
