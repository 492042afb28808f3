import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';
import type { Product } from '../../src/products/product.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from './dynamodb-fault-proxy.js';
import { type LocalDynamoDb, startLocalDynamoDb } from './local-dynamodb.js';
import {
  startTestRedis,
  startTestRedisCluster,
  type TestRedisCluster,
  type TestRedisClusterOptions,
  type TestRedisServer,
} from './redis-harness.js';

export interface StackBehindFaultProxy {
  readonly redis: TestRedisServer;
  readonly dynamo: LocalDynamoDb;
  /** In front of dynalite: faults on the wire, and GetItem reads counted there. */
  readonly proxy: DynamoDbFaultProxy;
  readonly stack: LocalStack;
  stop(): Promise<void>;
}

/** The same stack over a Redis Cluster the test owns (REDIS_MODE=cluster). */
export interface ClusterStackBehindFaultProxy extends Omit<StackBehindFaultProxy, 'redis'> {
  readonly cluster: TestRedisCluster;
}

export interface StackBehindFaultProxyOptions {
  /** Extra redis-server arguments, e.g. a maxmemory policy or `--enable-debug-command local`. */
  readonly redisArgs?: readonly string[];
}

/**
 * The local stack over HTTP on a redis-server and a dynalite the test owns, with DynamoDB reached
 * through the fault proxy. `env` adds to (or overrides) the stack's variables. The SDK takes its
 * credentials from the process environment, so the caller stubs AWS_ACCESS_KEY_ID and its secret.
 */
export async function startStackBehindFaultProxy(
  products: Product[],
  env: Readonly<Record<string, string>> = {},
  options: StackBehindFaultProxyOptions = {},
): Promise<StackBehindFaultProxy> {
  const redis = await startTestRedis(options.redisArgs);
  return { redis, ...(await startStackOver(redis, { REDIS_URL: redis.url }, products, env)) };
}

/** As startStackBehindFaultProxy, on a three-master cluster (with replicas if asked). */
export async function startClusterStackBehindFaultProxy(
  products: Product[],
  env: Readonly<Record<string, string>> = {},
  clusterOptions: TestRedisClusterOptions = {},
): Promise<ClusterStackBehindFaultProxy> {
  const cluster = await startTestRedisCluster(clusterOptions);
  const redisEnv = { REDIS_URL: cluster.url, REDIS_MODE: 'cluster' };
  return { cluster, ...(await startStackOver(cluster, redisEnv, products, env)) };
}

async function startStackOver(
  redis: { stop(): Promise<void> },
  redisEnv: Readonly<Record<string, string>>,
  products: Product[],
  env: Readonly<Record<string, string>>,
): Promise<Omit<StackBehindFaultProxy, 'redis'>> {
  const dynamo = await startLocalDynamoDb('Products', products);
  const proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
  const stack = await startLocalStack({
    PORT: '0',
    LOG_LEVEL: 'SILENT',
    TABLE_NAME: 'Products',
    DYNAMODB_ENDPOINT: proxy.endpoint,
    ...redisEnv,
    ...env,
  });
  return {
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
