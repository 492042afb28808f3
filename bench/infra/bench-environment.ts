import { Redis } from 'ioredis';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../test/support/dynamodb-fault-proxy.js';
import { startTestRedis, type TestRedisServer } from '../../test/support/redis-harness.js';
import { type DelayProxy, startDelayProxy } from './delay-proxy.js';
import { type DynamoDbProcess, startDynamoDbProcess } from './dynamodb-process.js';

export interface NetworkDistance {
  readonly dynamoDbRoundTripMs: number;
  readonly redisRoundTripMs: number;
}

/** DynamoDB reads seen at the wire since a mark. */
export interface GetItemCount {
  readonly requests: number;
  /** 0.5 per eventually consistent GetItem of an item under 4 KB, 1 per consistent one. */
  readonly readUnits: number;
}

/** What every system runs against: one dynalite with the catalog, one redis-server, reads counted. */
export interface BenchEnvironment {
  readonly redis: TestRedisServer;
  /** The URL and endpoint systems are given (through delay proxies when distance is on). */
  readonly redisUrl: string;
  readonly dynamoDbEndpoint: string;
  readonly counter: DynamoDbFaultProxy;
  flushRedis(): Promise<void>;
  /**
   * Commands clients sent to Redis while `work` ran, by name (MONITOR; commands a Lua script calls are
   * not round trips and are left out).
   */
  countClientCommands(work: () => Promise<void>): Promise<Map<string, number>>;
  /** GetItem requests since `mark` (an index into the counter's arrivals), optionally for one id. */
  getItemsSince(mark: number, id?: string): GetItemCount;
  stop(): Promise<void>;
}

/** Like ElastiCache's parameter group and `npm start`'s Redis: bounded memory, volatile-lru. */
const REDIS_ARGS = ['--maxmemory', '256mb', '--maxmemory-policy', 'volatile-lru'];

export async function startBenchEnvironment(
  tableName: string,
  catalogSize: number,
  distance: NetworkDistance | undefined,
): Promise<BenchEnvironment> {
  const dynamo: DynamoDbProcess = await startDynamoDbProcess(tableName, catalogSize);
  // Reads are counted as they cross the wire, the same way for every system (Aside included).
  const counter = await startDynamoDbFaultProxy(dynamo.endpoint);
  const redis = await startTestRedis(REDIS_ARGS);
  const admin = new Redis(redis.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  // The outage phase kills this server on purpose: reconnecting is expected, not worth a log line.
  admin.on('error', () => undefined);
  const proxies: DelayProxy[] = [];
  let redisUrl = redis.url;
  let dynamoDbEndpoint = counter.endpoint;
  if (distance) {
    const redisHop = await startDelayProxy(redis.port, distance.redisRoundTripMs);
    const dynamoHop = await startDelayProxy(
      Number(new URL(counter.endpoint).port),
      distance.dynamoDbRoundTripMs,
    );
    proxies.push(redisHop, dynamoHop);
    redisUrl = `redis://127.0.0.1:${redisHop.port}`;
    dynamoDbEndpoint = `http://127.0.0.1:${dynamoHop.port}`;
  }
  return {
    redis,
    redisUrl,
    dynamoDbEndpoint,
    counter,
    flushRedis: async () => void (await admin.flushall()),
    async countClientCommands(work) {
      const watcher = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      const counts = new Map<string, number>();
      try {
        const monitor = await watcher.monitor();
        monitor.on('monitor', (_time: string, args: string[], source: string) => {
          const command = args[0]?.toLowerCase() ?? '';
          if (source !== 'lua') counts.set(command, (counts.get(command) ?? 0) + 1);
        });
        await work();
        // MONITOR lines trail their commands slightly; let the last ones arrive.
        await new Promise((resolve) => setTimeout(resolve, 100));
        monitor.disconnect();
      } finally {
        watcher.disconnect();
      }
      return counts;
    },
    getItemsSince(mark, id) {
      const arrivals = counter.getItemArrivals
        .slice(mark)
        .filter((a) => id === undefined || a.request.id === id);
      const readUnits = arrivals.reduce((sum, a) => sum + (a.request.consistentRead ? 1 : 0.5), 0);
      return { requests: arrivals.length, readUnits };
    },
    async stop() {
      admin.disconnect();
      for (const proxy of proxies) await proxy.stop();
      await redis.stop();
      await counter.stop();
      await dynamo.stop();
    },
  };
}
