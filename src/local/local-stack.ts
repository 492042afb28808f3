import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ApiRuntime, createApiRuntime } from '../composition/create-api-runtime.js';
import { loadConfig } from '../config/config.js';
import { startLocalChangeStream } from './change-capture/local-change-stream.js';
import { DYNALITE_CREDENTIALS, startDynalite } from './dynalite-server.js';
import { type NodeHttpServer, serveOverHttp } from './node-http-server.js';
import { seedProductsTable } from './products-table.js';
import { isRedisServerAvailable, startRedisServer } from './redis-server-process.js';
import { SAMPLE_CATALOG_SIZE, sampleCatalog } from './sample-catalog.js';

/** A local Redis shaped like the ElastiCache parameter group (modules/cache): bounded memory, allkeys-lru. */
const LOCAL_REDIS_ARGS = ['--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru'];

/** A long-running server writes its metrics as one EMF document a second, not one per request. */
const METRICS_FLUSH_INTERVAL_MS = 1_000;

export interface LocalPart {
  readonly name: string;
  readonly where: string;
}

export interface LocalStack {
  readonly url: string;
  readonly parts: readonly LocalPart[];
  readonly runtime: ApiRuntime;
  /** Stops the API, then every child and server the stack started, in reverse order. */
  stop(): Promise<void>;
}

/**
 * Everything on one machine. Without TABLE_NAME, an in-process dynalite with the sample catalog;
 * with it, that table (on DYNAMODB_ENDPOINT or AWS). Without REDIS_URL, a redis-server child when
 * the binary is on PATH, else the in-memory store.
 */
export async function startLocalStack(env: NodeJS.ProcessEnv = process.env): Promise<LocalStack> {
  const stops: Array<() => Promise<void>> = [];
  const parts: LocalPart[] = [];
  const stop = async () => {
    for (const stopPart of stops.reverse()) await stopPart();
  };
  try {
    const localEnv: NodeJS.ProcessEnv = { ...env };
    const embedded = !env.TABLE_NAME;
    const credentials = embedded ? DYNALITE_CREDENTIALS : undefined;
    let products = 0;
    let dynaliteEndpoint = '';

    if (embedded) {
      const dynalite = await startDynalite();
      stops.push(dynalite.stop);
      dynaliteEndpoint = dynalite.endpoint;
      localEnv.DYNAMODB_ENDPOINT = dynalite.endpoint;
      const size = catalogSize(env.LOCAL_CATALOG_SIZE);
      products = await seedSampleCatalog(dynalite.endpoint, localEnv.AWS_REGION ?? 'us-east-1', size);
    }

    if (!env.REDIS_URL && isRedisServerAvailable()) {
      const redis = await startRedisServer({ args: LOCAL_REDIS_ARGS });
      stops.push(redis.stop);
      localEnv.REDIS_URL = redis.url;
      parts.push({ name: 'Redis (redis-server child)', where: redis.url });
    }

    // dynalite has no Streams. With a Redis the stream runtime can share, everyone (the API included)
    // writes through an endpoint that captures changes; an in-memory cache is the API's alone.
    if (embedded && localEnv.REDIS_URL) {
      const changeStream = await startLocalChangeStream(loadConfig(localEnv), DYNALITE_CREDENTIALS);
      stops.push(changeStream.stop);
      localEnv.DYNAMODB_ENDPOINT = changeStream.endpoint;
      parts.unshift({
        name: 'DynamoDB (dynalite, with change capture)',
        where: catalogAt(changeStream.endpoint, products),
      });
    } else if (embedded) {
      parts.unshift({ name: 'DynamoDB (dynalite)', where: catalogAt(dynaliteEndpoint, products) });
    }

    const config = loadConfig(localEnv);
    const runtime = await createApiRuntime(config, {
      dynamoDbCredentials: credentials,
      routes: ['read', 'write'],
      metricsFlush: { kind: 'aggregated', intervalMs: METRICS_FLUSH_INTERVAL_MS },
    });
    stops.push(runtime.close);
    if (env.TABLE_NAME) {
      parts.unshift({
        name: 'DynamoDB',
        where: `table ${config.dynamodb.tableName} (${config.dynamodb.endpoint ?? `AWS ${config.aws.region}`})`,
      });
    }
    if (env.REDIS_URL) parts.push({ name: 'Redis', where: redactPassword(env.REDIS_URL) });
    if (runtime.cacheStoreKind === 'memory') {
      parts.push({
        name: 'Cache (in-memory)',
        where:
          'redis-server not found: apt-get install redis-server / brew install redis (writes made straight to DynamoDB do not reach this cache)',
      });
    }

    const server: NodeHttpServer = await serveOverHttp(runtime.app, config.http.port, config.http.host, {
      readRoute: runtime.readRoute,
    });
    stops.push(server.close);
    parts.push({ name: 'API', where: `${server.url}/product/{productId}` });
    return { url: server.url, parts, runtime, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** LOCAL_CATALOG_SIZE: how many sample products to seed (the benchmark needs more than the default). */
function catalogSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return SAMPLE_CATALOG_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > 99_999) {
    throw new Error(`LOCAL_CATALOG_SIZE must be a whole number from 1 to 99999, got "${raw}"`);
  }
  return size;
}

async function seedSampleCatalog(endpoint: string, region: string, size: number): Promise<number> {
  const client = new DynamoDBClient({ region, endpoint, credentials: DYNALITE_CREDENTIALS });
  try {
    const products = sampleCatalog(size);
    await seedProductsTable(client, 'Products', products);
    return products.length;
  } finally {
    client.destroy();
  }
}

function catalogAt(endpoint: string, products: number): string {
  return `${endpoint}, table Products, ${products} products`;
}

function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
