import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';
import type { Product } from '../../src/products/product.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from './dynamodb-fault-proxy.js';
import { type LocalDynamoDb, startLocalDynamoDb } from './local-dynamodb.js';
import { startTestRedis, type TestRedisServer } from './redis-harness.js';

export interface StackBehindFaultProxy {
  readonly redis: TestRedisServer;
  readonly dynamo: LocalDynamoDb;
  /** In front of dynalite: faults on the wire, and GetItem reads counted there. */
  readonly proxy: DynamoDbFaultProxy;
  readonly stack: LocalStack;
  stop(): Promise<void>;
}

/**
 * The local stack over HTTP on a redis-server and a dynalite the test owns, with DynamoDB reached
 * through the fault proxy. `env` adds to (or overrides) the stack's variables. The SDK takes its
 * credentials from the process environment, so the caller stubs AWS_ACCESS_KEY_ID and its secret.
 */
export async function startStackBehindFaultProxy(
  products: Product[],
  env: Readonly<Record<string, string>> = {},
): Promise<StackBehindFaultProxy> {
  const redis = await startTestRedis();
  const dynamo = await startLocalDynamoDb('Products', products);
  const proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
  const stack = await startLocalStack({
    PORT: '0',
    LOG_LEVEL: 'SILENT',
    TABLE_NAME: 'Products',
    DYNAMODB_ENDPOINT: proxy.endpoint,
    REDIS_URL: redis.url,
    ...env,
  });
  return {
    redis,
    dynamo,
    proxy,
    stack,
    stop: async () => {
      await stack.stop();
      await proxy.stop();
      await dynamo.stop();
      await redis.stop();
    },
  };
}
