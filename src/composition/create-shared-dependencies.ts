import type { Config } from '../config/config.js';
import type { CacheStore } from '../core/cache-store.js';
import type { BatchSource } from '../core/source.js';
import type { HealthDependencies } from '../health/check-health.js';
import { createTelemetry, type MetricsFlush, type Telemetry } from '../observability/telemetry.js';
import type { Product } from '../products/product.js';
import type { ProductWriter } from '../products/product-writer.js';
import { type CacheStoreKind, createCacheStore } from './create-cache-store.js';
import { lazyDynamoDb } from './lazy-dynamodb.js';

/** What every function's runtime needs, built once per process (per Lambda execution environment). */
export interface SharedDependencies {
  readonly config: Config;
  readonly telemetry: Telemetry;
  readonly store: CacheStore;
  readonly cacheStoreKind: CacheStoreKind;
  readonly source: BatchSource<Product>;
  /** The table's versioned conditional writes, on the same DynamoDB client as `source`. */
  readonly writer: ProductWriter;
  /** The probes of GET /health, each with its deadline. */
  readonly health: HealthDependencies;
  /** Closes the store's connections and the DynamoDB client. */
  close(): Promise<void>;
}

export interface SharedDependencyOptions {
  /** Static credentials for a local DynamoDB endpoint; on AWS the default provider chain is used. */
  readonly dynamoDbCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** One EMF document per request (Lambda, the default), or aggregated on a timer (a long-running server). */
  readonly metricsFlush?: MetricsFlush;
}

/** A health probe's deadline past its client's own timeout, so the client's error (more telling) comes first. */
const HEALTH_DEADLINE_MARGIN_MS = 50;

export async function createSharedDependencies(
  config: Config,
  options: SharedDependencyOptions = {},
): Promise<SharedDependencies> {
  const telemetry = createTelemetry(config.observability, options.metricsFlush);
  const { store, kind, health: cacheHealth } = await createCacheStore(config.redis, telemetry);
  // Imported on first use: a hit never needs the AWS SDK, and it is most of the bundle's init time.
  const dynamodb = lazyDynamoDb(async () => {
    const { createDynamoDbDependencies } = await import('./create-dynamodb-dependencies.js');
    return createDynamoDbDependencies(config, options.dynamoDbCredentials, telemetry);
  });
  return {
    config,
    telemetry,
    store,
    cacheStoreKind: kind,
    source: dynamodb.source,
    writer: dynamodb.writer,
    health: {
      cache: {
        probe: cacheHealth.probe,
        // The memory store cannot time out; Redis commands are bounded by the command timeout.
        timeoutMs: config.redis.commandTimeoutMs + HEALTH_DEADLINE_MARGIN_MS,
        identity: { kind },
      },
      circuit: cacheHealth.circuit,
      database: {
        probe: dynamodb.probe,
        timeoutMs: config.dynamodb.timeoutMs + HEALTH_DEADLINE_MARGIN_MS,
        identity: { kind: 'dynamodb', table: config.dynamodb.tableName },
      },
    },
    close: async () => {
      await store.close();
      await dynamodb.close();
      telemetry.close();
    },
  };
}
