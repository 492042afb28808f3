import { createDynamoDbDocumentClient } from '../adapters/dynamodb/create-dynamodb-client.js';
import { DynamoDbProductWriter } from '../adapters/dynamodb/dynamodb-product-writer.js';
import { DynamoDbSource } from '../adapters/dynamodb/dynamodb-source.js';
import type { Config } from '../config/config.js';
import type { CacheStore } from '../core/cache-store.js';
import type { Source } from '../core/source.js';
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
  /** Closes the store's connections and the DynamoDB client. */
  close(): Promise<void>;
}

export interface SharedDependencyOptions {
  /** Static credentials for a local DynamoDB endpoint; on AWS the default provider chain is used. */
  readonly dynamoDbCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export async function createSharedDependencies(
  config: Config,
  options: SharedDependencyOptions = {},
): Promise<SharedDependencies> {
  const telemetry = createTelemetry(config.observability);
  const { store, kind } = await createCacheStore(config.redis, telemetry);
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
  return {
    config,
    telemetry,
    store,
    cacheStoreKind: kind,
    source,
    writer: new DynamoDbProductWriter({ client: documents, tableName: config.dynamodb.tableName }),
    close: async () => {
      await store.close();
      documents.destroy();
    },
  };
}
