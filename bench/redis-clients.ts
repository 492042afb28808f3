/**
 * Chooses the Redis client: ioredis (as Aside configures it) against node-redis, on a redis-server this
 * script starts. Measures cold connect, sequential GET round trips and throughput with 64 GETs in flight.
 * Run: npx tsx bench/redis-clients.ts
 */
import { build } from 'hdr-histogram-js';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { buildStandaloneOptions } from '../src/adapters/redis/redis-client-options.js';
import { startRedisServer } from '../src/local/redis-server-process.js';

const VALUE_BYTES = 1024;
const WARMUP_OPS = 2_000;
const SEQUENTIAL_OPS = 20_000;
const CONCURRENT_OPS = 100_000;
const IN_FLIGHT = 64;
const CONNECT_SAMPLES = 30;
// The machine is shared and noisy: several rounds in alternating order, the median round reported.
const ROUNDS = 3;
const CONNECT_TIMEOUT_MS = 500;
// Set (each command pays for its timer, as in production) but generous: a shared, busy machine must not
// abort the run. The timeout's value does not change the cost being measured.
const COMMAND_TIMEOUT_MS = 2_000;
const KEY = 'bench:p:{1}';

/** The three calls the bench needs, whatever the client. */
interface BenchClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  close(): Promise<unknown>;
}

interface Contender {
  readonly name: string;
  /** Creates a client, connects it and has one PING answered. */
  open(url: string): Promise<BenchClient>;
}

const openIoredis = (enableAutoPipelining: boolean) => async (url: string) => {
  const settings = {
    url,
    mode: 'standalone' as const,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
  };
  const client = new Redis({ ...buildStandaloneOptions(settings), enableAutoPipelining });
  client.on('error', (error) => console.error(`ioredis: ${error.message}`));
  await client.connect();
  await client.ping();
  return {
    get: (key: string) => client.get(key),
    set: (key: string, value: string) => client.set(key, value),
    close: () => client.quit(),
  };
};

const contenders: Contender[] = [
  { name: 'ioredis 6 (Aside options)', open: openIoredis(false) },
  { name: 'ioredis 6 + autoPipelining', open: openIoredis(true) },
  {
    name: 'node-redis 5',
    async open(url) {
      const client = createClient({
        url,
        disableOfflineQueue: true,
        socket: { connectTimeout: CONNECT_TIMEOUT_MS },
        commandOptions: { timeout: COMMAND_TIMEOUT_MS },
      });
      client.on('error', (error) => console.error(`node-redis: ${error.message}`));
      await client.connect();
      await client.ping();
      return {
        get: (key: string) => client.get(key),
        set: (key: string, value: string) => client.set(key, value),
        close: () => client.close(),
      };
    },
  },
];

interface Result {
  name: string;
  connectP50Ms: number;
  connectP99Ms: number;
  getP50Us: number;
  getP99Us: number;
  getP999Us: number;
  concurrentOpsPerSec: number;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function measure(contender: Contender, url: string): Promise<Result> {
  const connect = build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000 });
  for (let sample = 0; sample < CONNECT_SAMPLES; sample++) {
    const startedAt = nowUs();
    const client = await contender.open(url);
    connect.recordValue(nowUs() - startedAt);
    await client.close();
  }

  const client = await contender.open(url);
  await client.set(KEY, 'v'.repeat(VALUE_BYTES));
  for (let op = 0; op < WARMUP_OPS; op++) await client.get(KEY);

  const sequential = build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000 });
  for (let op = 0; op < SEQUENTIAL_OPS; op++) {
    const startedAt = nowUs();
    await client.get(KEY);
    sequential.recordValue(nowUs() - startedAt);
  }

  let issued = 0;
  const worker = async () => {
    while (issued < CONCURRENT_OPS) {
      issued++;
      await client.get(KEY);
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - startedAt) / 1000;
  await client.close();

  return {
    name: contender.name,
    connectP50Ms: connect.getValueAtPercentile(50) / 1000,
    connectP99Ms: connect.getValueAtPercentile(99) / 1000,
    getP50Us: sequential.getValueAtPercentile(50),
    getP99Us: sequential.getValueAtPercentile(99),
    getP999Us: sequential.getValueAtPercentile(99.9),
    concurrentOpsPerSec: Math.round(CONCURRENT_OPS / seconds),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const server = await startRedisServer();
try {
  const rounds = new Map<string, Result[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) rounds.get(contender.name)?.push(await measure(contender, server.url));
  }
  console.log(
    `redis-server on ${server.url}; ${VALUE_BYTES} B value; ${SEQUENTIAL_OPS} sequential GETs; ` +
      `${CONCURRENT_OPS} GETs with ${IN_FLIGHT} in flight; ${CONNECT_SAMPLES} cold connects (connect + PING); ` +
      `median of ${ROUNDS} rounds`,
  );
  console.table(
    [...rounds].map(([name, results]) => {
      const pick = (field: keyof Omit<Result, 'name'>) => median(results.map((r) => r[field]));
      return {
        client: name,
        'connect p50 ms': pick('connectP50Ms').toFixed(2),
        'connect p99 ms': pick('connectP99Ms').toFixed(2),
        'GET p50 µs': pick('getP50Us'),
        'GET p99 µs': pick('getP99Us'),
        'GET p99.9 µs': pick('getP999Us'),
        [`GET/s @${IN_FLIGHT}`]: pick('concurrentOpsPerSec'),
      };
    }),
  );
} finally {
  await server.stop();
}
