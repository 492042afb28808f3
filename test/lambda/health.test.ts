import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HEALTH_REPORT_REUSE_MS } from '../../src/health/share-recent-check.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import { healthRequestEvent, onCustomDomain } from '../fixtures/api-gateway-rest-event.js';
import { lambdaContext } from '../support/lambda-context.js';
import { stubLambdaEnvironment } from '../support/lambda-environment.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { realElapse, startTestRedis, type TestRedisServer } from '../support/redis-harness.js';

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;

/** A response header as API Gateway sees it: it merges `headers` and `multiValueHeaders`. */
function header(response: APIGatewayProxyResult, name: string): string | undefined {
  const multi = response.multiValueHeaders?.[name];
  return multi ? multi.join(', ') : response.headers?.[name]?.toString();
}

/** GET /health as API Gateway delivers it to the api function (an AWS_IAM method: a signed caller). */
describe('the api function answers GET /health events', () => {
  let redis: TestRedisServer;
  let dynamo: LocalDynamoDb;
  let handler: Handler;

  beforeAll(async () => {
    redis = await startTestRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
    dynamo = await startLocalDynamoDb('Products', sampleCatalog(1));
    stubLambdaEnvironment({ redisUrl: redis.url, dynamoDbEndpoint: dynamo.server.endpoint });
    ({ handler } = (await import('../../src/lambda/api.js')) as { handler: Handler });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo?.stop();
    await redis?.stop();
  });

  it('answers 200 ok with the cache and table figures, not cacheable', async () => {
    const response = await handler(healthRequestEvent(), lambdaContext());
    expect(response).toMatchObject({ statusCode: 200, isBase64Encoded: false });
    expect(header(response, 'content-type')).toBe('application/json');
    expect(header(response, 'cache-control')).toBe('no-store');
    expect(JSON.parse(response.body)).toMatchObject({
      status: 'ok',
      cache: {
        kind: 'redis',
        status: 'up',
        memory: { maxBytes: 64 * 1024 * 1024 },
        evictedKeys: 0,
        evictionPolicy: 'allkeys-lru',
        breaker: 'closed',
      },
      database: { kind: 'dynamodb', table: 'Products', status: 'up', tableStatus: 'ACTIVE' },
    });
  });

  it('routes on the matched resource: the same answer through a custom domain with a base path', async () => {
    const response = await handler(
      onCustomDomain(healthRequestEvent(), { basePath: 'ops' }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).status).toBe('ok');
  });

  it('answers 200 degraded, not a 5xx, once Redis is gone', async () => {
    await redis.kill();
    // Until then the function answers with the report from before the kill.
    await realElapse(HEALTH_REPORT_REUSE_MS);
    const response = await handler(healthRequestEvent(), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      status: 'degraded',
      cache: { kind: 'redis', status: 'down' },
      database: { status: 'up' },
    });
  });
});
