import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildFunction } from '../../scripts/build-function.js';
import { LAMBDA_FUNCTIONS, LAMBDA_HANDLER } from '../../scripts/lambda-functions.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import { productRequestEvent } from '../fixtures/api-gateway-rest-event.js';
import { lambdaContext } from '../support/lambda-context.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;

/** The artifact Terraform deploys, built as `npm run build` builds it, imported as Lambda imports it. */
describe('the built api bundle', () => {
  let outdir: string;
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let handler: Handler;
  let metafile: Metafile;
  const [first] = sampleCatalog(1);

  beforeAll(async () => {
    const api = LAMBDA_FUNCTIONS.find((fn) => fn.name === 'api');
    if (!api) throw new Error('no api function in the manifest');
    outdir = await mkdtemp(join(tmpdir(), 'aside-bundle-'));
    ({ metafile } = await buildFunction(api.entry, outdir));
    redis = await startTestRedis();
    dynamo = await startLocalDynamoDb('Products', sampleCatalog(1));
    vi.stubEnv('REDIS_URL', redis.url);
    vi.stubEnv('REDIS_COMMAND_TIMEOUT_MS', '1000');
    vi.stubEnv('DYNAMODB_ENDPOINT', dynamo.server.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const [file, exported] = LAMBDA_HANDLER.split('.') as [string, string];
    const module = (await import(pathToFileURL(join(outdir, `${file}.mjs`)).href)) as Record<string, Handler>;
    handler = module[exported] as Handler;
  }, 60_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo?.stop();
    await redis?.stop();
    await rm(outdir, { recursive: true, force: true });
  });

  it('exports the handler Lambda is configured with', () => {
    expect(typeof handler).toBe('function');
  });

  it('answers a miss, then a hit, from the bundled code', async () => {
    const miss = await handler(productRequestEvent('prod-0001'), lambdaContext());
    expect(miss.statusCode).toBe(200);
    expect(JSON.parse(miss.body)).toEqual(first);
    const hit = await handler(productRequestEvent('prod-0001'), lambdaContext());
    expect(hit.multiValueHeaders?.['x-cache']).toEqual(['HIT']);
  });

  it('loads no AWS SDK code during init: the SDK comes in at the first miss, write or health check', () => {
    // The entry chunk and every chunk it imports statically: what Lambda's init evaluates.
    const entry = Object.keys(metafile.outputs).find((file) => file.endsWith('/index.mjs')) ?? '';
    const atInit = new Set([entry]);
    for (const file of atInit) {
      for (const imported of metafile.outputs[file]?.imports ?? []) {
        if (imported.kind === 'import-statement' && !imported.external) atInit.add(imported.path);
      }
    }
    const sources = [...atInit].flatMap((file) => Object.keys(metafile.outputs[file]?.inputs ?? {}));
    expect(sources.length).toBeGreaterThan(10);
    expect(
      sources.filter((source) => /node_modules\/(@aws-sdk|@smithy|@amazon-dax-sdk)\//.test(source)),
    ).toEqual([]);
    // What it does load: the Redis client and the HTTP app.
    expect(sources.some((source) => source.includes('node_modules/ioredis/'))).toBe(true);
  });
});
