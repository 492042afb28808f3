import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DYNALITE_CREDENTIALS, startDynalite } from '../../src/local/dynalite-server.js';
import { seedProductsTable } from '../../src/local/products-table.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';

/**
 * dynalite in a process of its own, so DynamoDB's work does not share the load generator's event loop
 * (dynalite is CPU-heavy). argv: table name, catalog size. Prints one JSON line once seeded.
 */
const [tableName = 'Products', size = '10000'] = process.argv.slice(2);
const server = await startDynalite();
const client = new DynamoDBClient({
  region: 'us-east-1',
  endpoint: server.endpoint,
  credentials: DYNALITE_CREDENTIALS,
});
await seedProductsTable(client, tableName, sampleCatalog(Number(size)));
client.destroy();
process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint })}\n`);
process.on('disconnect', () => process.exit(0));
