import { createDynamoDbDocumentClient } from '../adapters/dynamodb/create-dynamodb-client.js';
import { DynamoDbHealthProbe } from '../adapters/dynamodb/dynamodb-health-probe.js';
import { DynamoDbProductWriter } from '../adapters/dynamodb/dynamodb-product-writer.js';
import { DynamoDbSource } from '../adapters/dynamodb/dynamodb-source.js';
import type { Config } from '../config/config.js';
import type { BatchSource } from '../core/source.js';
import type { HealthProbe } from '../health/health-probe.js';
import type { DatabaseReport } from '../health/health-report.js';
import { recordReadUnits } from '../observability/cache-telemetry.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { Product } from '../products/product.js';
import type { ProductWriter } from '../products/product-writer.js';

/** Everything that talks to DynamoDB, on one document client (plus one for DescribeTable under DAX). */
export interface DynamoDbDependencies {
  readonly source: BatchSource<Product>;
  readonly writer: ProductWriter;
  readonly probe: HealthProbe<DatabaseReport>;
  close(): void;
}

export async function createDynamoDbDependencies(
  config: Config,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined,
  telemetry: Telemetry,
): Promise<DynamoDbDependencies> {
  const clientOptions = { region: config.aws.region, ...config.dynamodb, credentials };
  const documents = await createDynamoDbDocumentClient(clientOptions);
  // DAX serves item reads only: DescribeTable goes to DynamoDB itself, on a client of its own.
  const tableClient = config.dynamodb.daxEndpoint
    ? await createDynamoDbDocumentClient({ ...clientOptions, daxEndpoint: undefined })
    : documents;
  return {
    source: new DynamoDbSource<Product>({
      client: documents,
      tableName: config.dynamodb.tableName,
      keyName: 'productId',
      onReadUnits: (units) => recordReadUnits(telemetry, units),
      maxAttempts: config.dynamodb.maxAttempts,
    }),
    writer: new DynamoDbProductWriter({ client: documents, tableName: config.dynamodb.tableName }),
    probe: new DynamoDbHealthProbe(tableClient, config.dynamodb.tableName),
    close: () => {
      documents.destroy();
      if (tableClient !== documents) tableClient.destroy();
    },
  };
}
