import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { sampleCatalog, sampleProductId } from '../src/local/sample-catalog.js';
import { productRequestEvent } from '../test/fixtures/api-gateway-rest-event.js';
import { startDynamoDbFaultProxy } from '../test/support/dynamodb-fault-proxy.js';
import { buildApiBundle, type Invocation, startLambdaWorkers } from '../test/support/lambda-workers.js';
import { startLocalDynamoDb } from '../test/support/local-dynamodb.js';
import { startTestRedis } from '../test/support/redis-harness.js';

/**
 * `npx tsx bench/stampede.ts`: DynamoDB reads of one cold key when N Lambda-like processes (each one
 * invocation at a time, importing the built api bundle) receive 20×N requests for it at once, the
 * first N together, with one redis-server. Reads are GetItem requests counted at the wire by a proxy
 * in front of dynalite. Each N gets fresh processes and two rounds, each on a key no one has read:
 * the first round is every process's first invocation (cold environments), the second runs on the
 * same, now warm, processes. CACHE_LEASE_WAIT_MS, when set, is passed to the workers (0: waiters load at
 * once, without waiting for the lease holder's fill: the stampede the lease wait prevents).
 */
const PROCESS_COUNTS = [1, 10, 50];
const REQUESTS_PER_PROCESS = 20;
const LEASE_WAIT_MS = process.env.CACHE_LEASE_WAIT_MS?.trim() || undefined;

interface Round {
  readonly processes: number;
  readonly environments: 'cold' | 'warm';
  readonly key: string;
  readonly requests: number;
  readonly reads: number;
  readonly retries: number;
  readonly xCache: string;
  readonly non200: number;
  readonly firstWaveMaxMs: number;
  readonly elapsedMs: number;
}

const bundle = await buildApiBundle();
const dynamo = await startLocalDynamoDb('Products', sampleCatalog(2 * PROCESS_COUNTS.length));
const proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
const redis = await startTestRedis();
const rounds: Round[] = [];
let nextProduct = 1;
try {
  for (const processes of PROCESS_COUNTS) {
    process.stderr.write(`starting ${processes} worker process(es)…\n`);
    const workers = await startLambdaWorkers({
      count: processes,
      bundleDir: bundle.dir,
      env: {
        REDIS_URL: redis.url,
        DYNAMODB_ENDPOINT: proxy.endpoint,
        ...(LEASE_WAIT_MS === undefined ? {} : { CACHE_LEASE_WAIT_MS: LEASE_WAIT_MS }),
      },
    });
    try {
      for (const environments of ['cold', 'warm'] as const) {
        const key = sampleProductId(nextProduct++);
        const requests = REQUESTS_PER_PROCESS * processes;
        const started = performance.now();
        const invocations = await workers.runAll(
          Array.from({ length: requests }, () => productRequestEvent(key)),
        );
        const elapsedMs = performance.now() - started;
        const reads = proxy.getItemArrivals.filter((arrival) => arrival.request.id === key);
        rounds.push({
          processes,
          environments,
          key,
          requests,
          reads: reads.length,
          retries: reads.filter((read) => (read.attempt ?? 1) > 1).length,
          xCache: tally(invocations),
          non200: invocations.filter((invocation) => invocation.result.statusCode !== 200).length,
          firstWaveMaxMs: Math.round(Math.max(...invocations.slice(0, processes).map((i) => i.handlerMs))),
          elapsedMs: Math.round(elapsedMs),
        });
      }
    } finally {
      await workers.stop();
    }
  }
} finally {
  await redis.stop();
  await proxy.stop();
  await dynamo.stop();
  await bundle.remove();
}

const settings =
  LEASE_WAIT_MS === undefined ? 'default lease settings' : `CACHE_LEASE_WAIT_MS=${LEASE_WAIT_MS}`;
console.log(`\nDynamoDB GetItem reads of one cold key (counted at the wire), standalone Redis, ${settings}`);
console.table(
  rounds.map((round) => ({
    processes: round.processes,
    environments: round.environments,
    requests: round.requests,
    'GetItem reads': round.reads,
    'of which SDK retries': round.retries,
    'X-Cache': round.xCache,
    'non-200': round.non200,
    'slowest first-wave ms': round.firstWaveMaxMs,
    'wall ms': round.elapsedMs,
  })),
);

function tally(invocations: readonly Invocation[]): string {
  const counts = new Map<string, number>();
  for (const { result } of invocations) {
    const value = xCache(result);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts].map(([value, count]) => `${value} ${count}`).join(', ');
}

function xCache(result: APIGatewayProxyResult): string {
  return result.multiValueHeaders?.['x-cache']?.join(',') ?? '(none)';
}
