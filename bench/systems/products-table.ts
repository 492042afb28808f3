import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProductAttributes } from './system-adapter.js';
import type { SystemSettings } from './system-settings.js';

/** The baselines' and peers' DynamoDB access: one GetItem per load, one PutItem per write, SDK defaults. */
export interface ProductsTable {
  get(id: string): Promise<Record<string, unknown> | undefined>;
  put(id: string, attributes: ProductAttributes): Promise<void>;
}

export function openProductsTable(settings: SystemSettings): ProductsTable {
  const client = new DynamoDBClient({
    region: settings.region,
    endpoint: settings.dynamoDbEndpoint,
    // dynalite checks no signature; the SDK needs some credentials to sign with.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const documents = DynamoDBDocumentClient.from(client);
  return {
    async get(id) {
      const output = await documents.send(
        new GetCommand({ TableName: settings.tableName, Key: { productId: id } }),
      );
      return output.Item;
    },
    async put(id, attributes) {
      await documents.send(
        new PutCommand({ TableName: settings.tableName, Item: { ...attributes, productId: id } }),
      );
    },
  };
}
