import { Redis } from 'ioredis';
import type { Drill, DrillPromises, IdClass, Outcome } from './drill.js';
import { REDIS_FAULT_ENV } from './drill-settings.js';
import type { DrillStack } from './drill-stack.js';

/** No stale entries here: what Redis does with them is the same as with fresh ones. */
const REDIS_DRILL_CLASSES: readonly IdClass[] = ['fresh', 'uncached', 'missing'];
const BYPASS_ONLY: Readonly<Record<IdClass, readonly Outcome[]>> = {
  fresh: ['BYPASS'],
  stale: ['BYPASS'],
  uncached: ['BYPASS'],
  missing: ['BYPASS'],
};
/** Redis keeps what it had: uncached ids fill (MISS) once it is back, then everything is a HIT. */
const KEPT_AFTER: Pick<DrillPromises, 'afterRecovery' | 'refilled'> = {
  afterRecovery: ['HIT'],
  refilled: ['uncached'],
};
/** A ballast value: memory is filled with these until Redis refuses writes. */
const BALLAST_BYTES = 256 * 1024;
const MAX_BALLAST_KEYS = 256;
/** How far below the memory in use the limit is set once full, so small writes cannot slip in. */
const OVER_THE_LIMIT_BYTES = 1024 * 1024;
/** Long enough for the DEBUG SLEEP command to reach the server before the fault counts as started. */
const DEBUG_SLEEP_DELIVERY_MS = 20;

function redisOf(stack: DrillStack) {
  if (!stack.redis) throw new Error('this drill runs on a standalone redis-server');
  return stack.redis;
}

function adminOf(stack: DrillStack): Redis {
  return new Redis(redisOf(stack).port, '127.0.0.1', { maxRetriesPerRequest: 0 });
}

/** SIGKILL under load, down for the hold, then started again (empty) on the same port. */
export const redisKilledDrill: Drill = {
  name: 'Redis killed (SIGKILL), then restarted',
  redis: 'standalone',
  env: REDIS_FAULT_ENV,
  idClasses: REDIS_DRILL_CLASSES,
  async inject(stack) {
    const redis = redisOf(stack);
    await redis.kill();
    return { clear: () => redis.restart() };
  },
  promises: {
    duringFault: BYPASS_ONLY,
    seenDuringFault: ['BYPASS'],
    afterRecovery: ['HIT'],
    refilled: REDIS_DRILL_CLASSES,
    breakerOpens: false,
  },
};

/** SIGSTOP: connections stay open and nothing answers (a hung or overloaded server), then SIGCONT. */
export const redisFrozenDrill: Drill = {
  name: 'Redis frozen (SIGSTOP / SIGCONT)',
  redis: 'standalone',
  env: REDIS_FAULT_ENV,
  idClasses: REDIS_DRILL_CLASSES,
  async inject(stack) {
    const redis = redisOf(stack);
    redis.freeze();
    return { clear: async () => redis.thaw() };
  },
  promises: { duringFault: BYPASS_ONLY, seenDuringFault: ['BYPASS'], ...KEPT_AFTER, breakerOpens: true },
};

/** DEBUG SLEEP: the server itself blocks for the hold (a slow command, a fork on a large dataset). */
export const redisDebugSleepDrill: Drill = {
  name: 'Redis blocked (DEBUG SLEEP)',
  redis: 'standalone',
  env: REDIS_FAULT_ENV,
  redisArgs: ['--enable-debug-command', 'local'],
  idClasses: REDIS_DRILL_CLASSES,
  async inject(stack, holdMs) {
    const admin = adminOf(stack);
    await admin.ping();
    const asleep = admin.call('DEBUG', 'SLEEP', String(holdMs / 1000));
    await new Promise((resolve) => setTimeout(resolve, DEBUG_SLEEP_DELIVERY_MS));
    return {
      clear: async () => {
        await asleep;
        admin.disconnect();
      },
    };
  },
  promises: { duringFault: BYPASS_ONLY, seenDuringFault: ['BYPASS'], ...KEPT_AFTER, breakerOpens: true },
};

/**
 * maxmemory reached under `noeviction`: Redis refuses every write with OOM but answers reads. Cached
 * entries stay HITs; a read of an uncached id cannot take its lease (a write), so it is answered from
 * DynamoDB as BYPASS, nothing cached. OOM is an answer, not an outage: the breaker stays closed, which
 * the fresh ids' HITs prove (an open breaker would bypass them too). Cleared by freeing the memory.
 */
export const redisOutOfMemoryDrill: Drill = {
  name: 'Redis out of memory (maxmemory, noeviction)',
  redis: 'standalone',
  env: REDIS_FAULT_ENV,
  redisArgs: ['--maxmemory', '8mb', '--maxmemory-policy', 'noeviction'],
  idClasses: REDIS_DRILL_CLASSES,
  async inject(stack) {
    const admin = adminOf(stack);
    const [, configuredMaxMemory] = (await admin.config('GET', 'maxmemory')) as [string, string];
    const ballast = await fillMemory(admin);
    // The refused SET's own buffer is freed after the refusal, which leaves room for small writes
    // (leases, entries): keep memory a margin over the limit, as a cache kept full by its data is.
    const used = Number((await admin.info('memory')).match(/used_memory:(\d+)/)?.[1]);
    await admin.config('SET', 'maxmemory', String(used - OVER_THE_LIMIT_BYTES));
    return {
      clear: async () => {
        await admin.del(...ballast);
        await admin.config('SET', 'maxmemory', configuredMaxMemory);
        admin.disconnect();
      },
    };
  },
  promises: {
    duringFault: { fresh: ['HIT'], stale: ['BYPASS'], uncached: ['BYPASS'], missing: ['HIT'] },
    seenDuringFault: ['HIT', 'BYPASS'],
    ...KEPT_AFTER,
    breakerOpens: false,
  },
};

/** Writes ballast until Redis refuses it with OOM; resolves to the keys written. */
async function fillMemory(admin: Redis): Promise<string[]> {
  const ballast: string[] = [];
  const value = 'x'.repeat(BALLAST_BYTES);
  for (;;) {
    if (ballast.length === MAX_BALLAST_KEYS) throw new Error('Redis never ran out of memory');
    const key = `drill-ballast:${ballast.length}`;
    const refused = await admin.set(key, value).then(
      () => false,
      (error: Error) => /^OOM /.test(error.message) || Promise.reject(error),
    );
    if (refused) return ballast;
    ballast.push(key);
  }
}

/** A quick restart that loses every entry (a node reboot or replacement): the cache fills again. */
export const redisRestartedEmptyDrill: Drill = {
  name: 'Redis restarted empty',
  redis: 'standalone',
  env: REDIS_FAULT_ENV,
  idClasses: REDIS_DRILL_CLASSES,
  async inject(stack) {
    await redisOf(stack).restart();
    return { clear: async () => undefined };
  },
  promises: {
    // The restart happens while the fault is injected; while it "holds", Redis is back and empty.
    duringFault: {
      fresh: ['BYPASS', 'MISS', 'HIT'],
      stale: ['BYPASS', 'MISS', 'HIT'],
      uncached: ['BYPASS', 'MISS', 'HIT'],
      missing: ['BYPASS', 'MISS', 'HIT'],
    },
    // Whether the client has reconnected before the hold ends depends on its backoff: the proof that
    // the entries were lost is that every id is filled again.
    seenDuringFault: [],
    afterRecovery: ['HIT'],
    refilled: REDIS_DRILL_CLASSES,
    breakerOpens: false,
  },
};

export const REDIS_DRILLS: readonly Drill[] = [
  redisKilledDrill,
  redisFrozenDrill,
  redisDebugSleepDrill,
  redisOutOfMemoryDrill,
  redisRestartedEmptyDrill,
];
