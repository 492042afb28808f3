import { createDynamoDbDocumentClient } from '../adapters/dynamodb/create-dynamodb-client.js';
import { DynamoDbHealthProbe } from '../adapters/dynamodb/dynamodb-health-probe.js';
import { DynamoDbProductWriter } from '../adapters/dynamodb/dynamodb-product-writer.js';
import { DynamoDbSource } from '../adapters/dynamodb/dynamodb-source.js';
import type { Config } from '../config/config.js';
import type { CacheStore } from '../core/cache-store.js';
import type { Source } from '../core/source.js';
import type { HealthDependencies } from '../health/check-health.js';
import { recordReadUnits } from '../observability/cache-telemetry.js';
import { createTelemetry, type Telemetry } from '../observability/telemetry.js';
import type { Product } from '../products/product.js';
import type { ProductWriter } from '../products/product-writer.js';
import { type CacheStoreKind, createCacheStore } from './create-cache-store.js';

/** What every function's runtime needs, built once per process (per Lambda execution environment). */
export interface SharedDependencies {
  readonly config: Config;
  readonly telemetry: Telemetry;
  readonly store: CacheStore;
  readonly cacheStoreKind: CacheStoreKind;
  readonly source: Source<Product>;
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
}

/** A health probe's deadline past its client's own timeout, so the client's error (more telling) comes first. */
const HEALTH_DEADLINE_MARGIN_MS = 50;

export async function createSharedDependencies(
  config: Config,
  options: SharedDependencyOptions = {},
): Promise<SharedDependencies> {
  const telemetry = createTelemetry(config.observability);
  const { store, kind, health: cacheHealth } = await createCacheStore(config.redis, telemetry);
  const clientOptions = {
    region: config.aws.region,
    ...config.dynamodb,
    credentials: options.dynamoDbCredentials,
  };
  const documents = await createDynamoDbDocumentClient(clientOptions);
  // DAX serves item reads only: DescribeTable goes to DynamoDB itself, on a client of its own.
  const tableClient = config.dynamodb.daxEndpoint
    ? await createDynamoDbDocumentClient({ ...clientOptions, daxEndpoint: undefined })
    : documents;
  const source = new DynamoDbSource<Product>({
    client: documents,
    tableName: config.dynamodb.tableName,
    keyName: 'productId',
    onReadUnits: (units) => recordReadUnits(telemetry, units),
  });
  return {
    config,
    telemetry,
    store,
    cacheStoreKind: kind,
    source,
    writer: new DynamoDbProductWriter({ client: documents, tableName: config.dynamodb.tableName }),
    health: {
      cache: {
        probe: cacheHealth.probe,
        // The memory store cannot time out; Redis commands are bounded by the command timeout.
        timeoutMs: config.redis.commandTimeoutMs + HEALTH_DEADLINE_MARGIN_MS,
        identity: { kind },
      },
      circuit: cacheHealth.circuit,
      database: {
        probe: new DynamoDbHealthProbe(tableClient, config.dynamodb.tableName),
        timeoutMs: config.dynamodb.timeoutMs + HEALTH_DEADLINE_MARGIN_MS,
        identity: { kind: 'dynamodb', table: config.dynamodb.tableName },
      },
    },
    close: async () => {
      await store.close();
      documents.destroy();
      if (tableClient !== documents) tableClient.destroy();
    },
  };
}
