import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import { productRequestEvent } from '../fixtures/api-gateway-rest-event.js';
import { startDynamoDbFaultProxy } from '../support/dynamodb-fault-proxy.js';
import {
  type ApiBundle,
  buildApiBundle,
  type Invocation,
  startLambdaWorkers,
} from '../support/lambda-workers.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb.js';
import { startTestRedis, startTestRedisCluster } from '../support/redis-harness.js';

const WORKERS = 50;
const REQUESTS = 1_000;
const KEY = 'prod-0001';
/** The lease holder's load, plus one more (an SDK retry of a slow attempt, or a lease that expired). */
const MAX_READS = 2;
const HEAVY_TIMEOUT_MS = 120_000;

/**
 * A cache stampede across Lambda execution environments, with real processes: 50 children each import
 * the built api bundle and serve one invocation at a time, and 1,000 requests for one cold key arrive,
 * the first 50 together. It runs alone (vitest.processes.config.ts): 50 processes on two cores beside
 * the other test files would measure the machine, not the lease. In-process coalescing cannot help here (each process has one request at a
 * time); only the Redis lease can keep DynamoDB's reads of the key, counted on the wire, at one or two.
 */
describe('a stampede on one cold key across 50 Lambda-like processes', () => {
  const [product] = sampleCatalog(1);
  let bundle: ApiBundle;
  let dynamo: LocalDynamoDb;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    bundle = await buildApiBundle();
    dynamo = await startLocalDynamoDb('Products', sampleCatalog(10));
  }, HEAVY_TIMEOUT_MS);

  // Last started, first stopped; runs even when a case fails or times out, so no worker is left behind.
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  }, HEAVY_TIMEOUT_MS);

  afterAll(async () => {
    await dynamo?.stop();
    await bundle?.remove();
  });

  async function stampede(label: string, env: Readonly<Record<string, string>>) {
    const proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
    cleanups.push(() => proxy.stop());
    const workers = await startLambdaWorkers({
      count: WORKERS,
      bundleDir: bundle.dir,
      env: { ...env, DYNAMODB_ENDPOINT: proxy.endpoint },
    });
    cleanups.push(() => workers.stop());
    // Each environment serves one request of its own first (a "not found" of an id nobody else asks
    // for), as warm Lambda environments have when a hot key expires; bench/stampede.ts also measures
    // processes that are cold.
    await workers.runAll(
      Array.from({ length: WORKERS }, (_, index) => productRequestEvent(`warm-up-${index}`)),
    );
    const started = performance.now();
    const invocations = await workers.runAll(
      Array.from({ length: REQUESTS }, () => productRequestEvent(KEY)),
    );
    const elapsedMs = performance.now() - started;
    const reads = proxy.getItemReads(KEY);
    const keyReads = proxy.getItemArrivals.filter((arrival) => arrival.request.id === KEY);
    const report = {
      reads,
      consistentReads: proxy.consistentGetItemReads(KEY),
      sdkRetries: keyReads.filter((read) => (read.attempt ?? 1) > 1).length,
      // When each read reached the wire, in ms after the first request was sent.
      readsAtMs: keyReads.map((read) => Math.round(read.receivedAt - started)),
      xCache: tally(invocations),
      firstWave: tally(invocations.slice(0, WORKERS)),
      elapsedMs: Math.round(elapsedMs),
      handlerMs: percentiles(invocations.map((invocation) => invocation.handlerMs)),
      firstWaveHandlerMs: percentiles(
        invocations.slice(0, WORKERS).map((invocation) => invocation.handlerMs),
      ),
      initMs: percentiles(workers.initMs),
    };
    console.log(
      `[${label}] ${REQUESTS} requests for ${KEY} over ${WORKERS} processes:`,
      JSON.stringify(report),
    );
    return { invocations, reads, report };
  }

  function expectStampedeStopped(invocations: readonly Invocation[], reads: number) {
    expect(countBy(invocations, (invocation) => String(invocation.result.statusCode))).toEqual({
      200: REQUESTS,
    });
    const wrongBodies = invocations.filter(
      (invocation) => !isDeepStrictEqual(JSON.parse(invocation.result.body), product),
    );
    expect(wrongBodies).toHaveLength(0);
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(MAX_READS);
    // Once the first wave is answered the entry is in Redis: every later request is a hit (each
    // non-hit would be another DynamoDB read).
    const later = invocations.slice(WORKERS);
    expect(tally(later)).toEqual({ HIT: REQUESTS - WORKERS });
  }

  it(
    'reads the key from DynamoDB at most twice with one redis-server',
    async () => {
      const redis = await startTestRedis();
      cleanups.push(() => redis.stop());
      const { invocations, reads } = await stampede('standalone', { REDIS_URL: redis.url });
      expectStampedeStopped(invocations, reads);
    },
    HEAVY_TIMEOUT_MS,
  );

  it(
    'reads the key from DynamoDB at most twice with a 3-master Redis cluster',
    async () => {
      const cluster = await startTestRedisCluster();
      cleanups.push(() => cluster.stop());
      const { invocations, reads } = await stampede('cluster', {
        REDIS_URL: cluster.url,
        REDIS_MODE: 'cluster',
      });
      expectStampedeStopped(invocations, reads);
    },
    HEAVY_TIMEOUT_MS,
  );

  it(
    'asks a throttling DynamoDB for the cold key only as often as one caller retries, and answers every request 503',
    async () => {
      const redis = await startTestRedis();
      cleanups.push(() => redis.stop());
      const proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
      cleanups.push(() => proxy.stop());
      // A long wait bound, so that only a remembered failure, not waiters giving up, ends the waits.
      const workers = await startLambdaWorkers({
        count: WORKERS,
        bundleDir: bundle.dir,
        env: {
          REDIS_URL: redis.url,
          DYNAMODB_ENDPOINT: proxy.endpoint,
          CACHE_LEASE_WAIT_MS: '5000',
          CACHE_SOURCE_FAILURE_TTL_MS: '10000',
        },
      });
      cleanups.push(() => workers.stop());
      await workers.runAll(
        Array.from({ length: WORKERS }, (_, index) => productRequestEvent(`warm-up-${index}`)),
      );
      proxy.fault = 'throttle';
      const started = performance.now();
      const invocations = await workers.runAll(
        Array.from({ length: WORKERS }, () => productRequestEvent(KEY)),
      );
      const elapsedMs = performance.now() - started;
      const attempts = proxy.getItemArrivals.filter((arrival) => arrival.request.id === KEY);
      console.log(
        `[throttled] ${WORKERS} requests for ${KEY} over ${WORKERS} processes:`,
        JSON.stringify({
          reads: attempts.length,
          attempts: attempts.map((arrival) => arrival.attempt),
          statuses: countBy(invocations, (invocation) => String(invocation.result.statusCode)),
          elapsedMs: Math.round(elapsedMs),
          handlerMs: percentiles(invocations.map((invocation) => invocation.handlerMs)),
        }),
      );
      // One lease holder's three attempts (DYNAMODB_MAX_ATTEMPTS); the others answered with its failure.
      expect(attempts.map((arrival) => arrival.attempt)).toEqual([1, 2, 3]);
      expect(countBy(invocations, (invocation) => String(invocation.result.statusCode))).toEqual({
        503: WORKERS,
      });
      for (const { result } of invocations) {
        expect(result.multiValueHeaders?.['retry-after']).toEqual(['1']);
      }
    },
    HEAVY_TIMEOUT_MS,
  );
});

function tally(invocations: readonly Invocation[]): Record<string, number> {
  return countBy(invocations, (invocation) => {
    const values = invocation.result.multiValueHeaders?.['x-cache'];
    return values === undefined ? '(none)' : values.join(',');
  });
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function percentiles(values: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
}
