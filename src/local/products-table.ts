import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Product } from '../products/product.js';

/** DynamoDB accepts at most 25 puts in one BatchWriteItem. */
const BATCH_WRITE_LIMIT = 25;

/** The `Products` table as Terraform declares it: hash key `productId` (S), on-demand. */
export async function createProductsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'productId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'productId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

export async function putProducts(client: DynamoDBDocumentClient, tableName: string, products: Product[]) {
  for (let start = 0; start < products.length; start += BATCH_WRITE_LIMIT) {
    let pending: Record<string, object[]> | undefined = {
      [tableName]: products.slice(start, start + BATCH_WRITE_LIMIT).map((Item) => ({ PutRequest: { Item } })),
    };
    while (pending && Object.keys(pending).length > 0) {
      const output = await client.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = output.UnprocessedItems as Record<string, object[]> | undefined;
    }
  }
}

/** The table, created if absent, holding `products`. */
export async function seedProductsTable(client: DynamoDBClient, tableName: string, products: Product[]) {
  await createProductsTable(client, tableName);
  await putProducts(DynamoDBDocumentClient.from(client), tableName, products);
}
