import type { Hono } from 'hono';
import { createDynamoDbDocumentClient } from '../adapters/dynamodb/create-dynamodb-client.js';
import { DynamoDbSource } from '../adapters/dynamodb/dynamodb-source.js';
import type { Config } from '../config/config.js';
import { CacheAside } from '../core/cache-aside.js';
import { createApp } from '../http/app.js';
import { createCacheTelemetry, recordReadUnits } from '../observability/cache-telemetry.js';
import { createTelemetry, type Telemetry } from '../observability/telemetry.js';
import type { Product } from '../products/product.js';
import { createReadProduct } from '../products/read-product.js';
import { type CacheStoreKind, createCacheStore } from './create-cache-store.js';

export interface ApiRuntime {
  readonly app: Hono;
  readonly telemetry: Telemetry;
  readonly cacheStoreKind: CacheStoreKind;
  close(): Promise<void>;
}

export interface ApiRuntimeOptions {
  /** Static credentials for a local DynamoDB endpoint; on AWS the default provider chain is used. */
  readonly dynamoDbCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The composition root: builds every dependency once per process (per Lambda environment). */
export async function createApiRuntime(config: Config, options: ApiRuntimeOptions = {}): Promise<ApiRuntime> {
  const telemetry = createTelemetry(config.observability);
  const { store, kind } = await createCacheStore(config.redis, telemetry.logger);
  const documents = await createDynamoDbDocumentClient({
    region: config.aws.region,
    ...config.dynamodb,
    credentials: options.dynamoDbCredentials,
  });
  const source = new DynamoDbSource<Product>({
    client: documents,
    tableName: config.dynamodb.tableName,
    keyName: 'productId',
    onReadUnits: (units) => recordReadUnits(telemetry, units),
  });
  const cache = new CacheAside<Product>({
    store,
    source,
    keyPrefix: config.cache.keyPrefix,
    ttlSeconds: config.cache.ttlSeconds,
    ttlJitterPercent: config.cache.ttlJitterPercent,
    observer: createCacheTelemetry(telemetry),
  });
  const app = createApp({
    readProduct: createReadProduct(cache),
    onRequestEnd: telemetry.flushMetrics,
    onError: (error) => telemetry.logger.error('Request failed', { error: error as Error }),
  });
  return {
    app,
    telemetry,
    cacheStoreKind: kind,
    close: async () => {
      await store.close();
      documents.destroy();
    },
  };
}
