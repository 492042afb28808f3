import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HealthReport } from '../../src/health/health-report.js';
import { HEALTH_REPORT_REUSE_MS } from '../../src/health/share-recent-check.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import { realElapse } from '../support/redis-harness.js';
import {
  type StackBehindFaultProxy,
  startStackBehindFaultProxy,
} from '../support/stack-behind-fault-proxy.js';

const FAILURE_THRESHOLD = 3;
// Long enough that the circuit stays open for the rest of the file.
const COOLDOWN_MS = 120_000;
const DYNAMODB_TIMEOUT_MS = 300;
// Catches a hang only; the bound under test is the dependency's own timeout.
const HANG_BOUND_MS = 3_000;

/** GET /health through the local server (a real redis-server and dynalite behind a fault proxy). */
describe('GET /health over HTTP', () => {
  let parts: StackBehindFaultProxy;

  // A check's report answers every request for HEALTH_REPORT_REUSE_MS: wait it out after a change.
  const afterReuseWindow = () => realElapse(HEALTH_REPORT_REUSE_MS);

  const health = async (method = 'GET') => {
    const started = performance.now();
    const response = await fetch(`${parts.stack.url}/health`, { method });
    const body = method === 'GET' ? ((await response.json()) as HealthReport) : undefined;
    return { response, body, elapsedMs: performance.now() - started };
  };

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    parts = await startStackBehindFaultProxy(sampleCatalog(5), {
      DYNAMODB_TIMEOUT_MS: String(DYNAMODB_TIMEOUT_MS),
      REDIS_COMMAND_TIMEOUT_MS: '150',
      REDIS_BREAKER_FAILURE_THRESHOLD: String(FAILURE_THRESHOLD),
      REDIS_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
    });
  });

  afterAll(async () => {
    await parts?.stop();
    vi.unstubAllEnvs();
  });

  it('answers 200 ok with Redis and DynamoDB figures, as JSON that is never cached', async () => {
    const { response, body } = await health();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      status: 'ok',
      checkedAt: expect.any(String),
      cache: {
        kind: 'redis',
        status: 'up',
        roundTripMs: expect.any(Number),
        memory: { usedBytes: expect.any(Number), maxBytes: null, usedPercent: null },
        evictedKeys: 0,
        evictionPolicy: 'noeviction',
        breaker: 'closed',
      },
      database: {
        kind: 'dynamodb',
        table: 'Products',
        status: 'up',
        roundTripMs: expect.any(Number),
        tableStatus: 'ACTIVE',
      },
    });
    // DescribeTable reads no item.
    expect(parts.proxy.getItemRequests).toEqual([]);
  });

  it('answers HEAD like GET without a body, and 405 with Allow to other methods', async () => {
    expect((await health('HEAD')).response.status).toBe(200);
    const post = await health('POST');
    expect(post.response.status).toBe(405);
    expect(post.response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 503 unavailable, within the DynamoDB timeout, when DynamoDB does not answer', async () => {
    parts.proxy.fault = 'hang';
    try {
      await afterReuseWindow();
      const { response, body, elapsedMs } = await health();
      expect(response.status).toBe(503);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(body).toMatchObject({
        status: 'unavailable',
        cache: { status: 'up' },
        database: { kind: 'dynamodb', table: 'Products', status: 'down', error: expect.any(String) },
      });
      expect(elapsedMs).toBeLessThan(HANG_BOUND_MS);
    } finally {
      parts.proxy.fault = 'none';
    }
    await afterReuseWindow();
    expect((await health()).body?.status).toBe('ok');
  });

  it('answers 200 degraded, not a 5xx, with Redis killed; the breaker opens as reads bypass it', async () => {
    await parts.redis.kill();
    await afterReuseWindow();
    const down = await health();
    expect(down.response.status).toBe(200);
    expect(down.body).toMatchObject({
      status: 'degraded',
      cache: { kind: 'redis', status: 'down', error: expect.any(String), breaker: 'closed' },
      database: { status: 'up' },
    });
    expect(down.elapsedMs).toBeLessThan(HANG_BOUND_MS);

    // Each read meets the dead Redis (and is served from DynamoDB) until the breaker opens.
    for (let read = 0; read < FAILURE_THRESHOLD; read++) {
      const product = await fetch(`${parts.stack.url}/product/prod-0001`);
      expect(product.status).toBe(200);
      expect(product.headers.get('x-cache')).toBe('BYPASS');
    }
    await afterReuseWindow();
    const open = await health();
    expect(open.response.status).toBe(200);
    expect(open.body).toMatchObject({ status: 'degraded', cache: { status: 'down', breaker: 'open' } });
  });

  it('sees Redis back before the breaker does: up, but degraded while the circuit stays open', async () => {
    await parts.redis.restart();
    await vi.waitFor(
      async () => {
        const { body } = await health();
        expect(body).toMatchObject({ status: 'degraded', cache: { status: 'up', breaker: 'open' } });
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
