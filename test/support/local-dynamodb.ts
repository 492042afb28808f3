import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DYNALITE_CREDENTIALS, type DynaliteServer, startDynalite } from '../../src/local/dynalite-server.js';
import { seedProductsTable } from '../../src/local/products-table.js';
import type { Product } from '../../src/products/product.js';

export const REGION = 'us-east-1';

export interface LocalDynamoDb {
  readonly server: DynaliteServer;
  readonly client: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

/** dynalite with a Products table holding the given items, and clients pointed at it. */
export async function startLocalDynamoDb(tableName: string, products: Product[]): Promise<LocalDynamoDb> {
  const server = await startDynalite();
  const client = new DynamoDBClient({
    region: REGION,
    endpoint: server.endpoint,
    credentials: DYNALITE_CREDENTIALS,
  });
  const documents = DynamoDBDocumentClient.from(client);
  await seedProductsTable(client, tableName, products);
  return {
    server,
    client,
    documents,
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}
