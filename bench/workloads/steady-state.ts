import type { BenchEnvironment } from '../infra/bench-environment.js';
import { idealMissRatio } from '../report/ideal-cache.js';
import type { CacheOutcome } from '../systems/system-adapter.js';
import type { LoadReply } from '../workers/worker-messages.js';
import type { WorkerPool } from '../workers/worker-pool.js';

/** The steady-state phase's shape; run.ts sets it from its knobs. */
export interface SteadyStatePlan {
  /** Reads per TTL to reach: TTL = readsPerTtl / readsPerSecond, rounded up. */
  readonly readsPerTtl: number;
  /** The arrival rate, over all processes. */
  readonly readsPerSecond: number;
  readonly processes: number;
  /** Callers at once inside each process, at most. */
  readonly concurrency: number;
  readonly itemCount: number;
  readonly zipfExponent: number;
  readonly seed: number;
}

export interface SteadyStateResult {
  /** The schedule of the run reported (lower than the plan's after a rerun). */
  readonly scheduledReadsPerSecond: number;
  /** 2 when the first run fell short of the reads per TTL and was run again slower with a longer TTL. */
  readonly runs: number;
  /** The TTL every process of the system was given for the warm-up and the measured TTL. */
  readonly ttlSeconds: number;
  readonly seconds: number;
  readonly reads: number;
  /** Achieved: below the plan's rate when the system could not keep up. */
  readonly readsPerSecond: number;
  /** Measured: reads/s of the measured TTL × the TTL. */
  readonly readsPerTtl: number;
  readonly outcomes: Partial<Record<CacheOutcome, number>>;
  /** Reads served from the cache (hit or stale) over all reads. */
  readonly hitRatio: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly getItems: number;
  readonly readUnits: number;
  readonly readUnitsPer1000Reads: number;
  /** Against no cache: one eventually consistent GetItem per read, 0.5 read units. */
  readonly savedRatio: number;
  /** What a perfect TTL cache saves at the same reads per TTL (bench/report/ideal-cache.ts). */
  readonly idealSavedRatio: number;
}

/** No cache reads every item from DynamoDB: 0.5 read units per eventually consistent GetItem. */
const NO_CACHE_READ_UNITS_PER_1000 = 500;
const HOT_ITEMS = 100;

/** Short of this share of the planned reads per TTL, the run is repeated slower. */
const ENOUGH_OF_PLAN = 0.98;
/** The rerun's schedule, against what the system achieved: a little below, so it keeps up. */
const RERUN_PACE = 0.9;

/** The TTL that makes one TTL hold the plan's reads at its rate. */
export const steadyStateTtlSeconds = (plan: SteadyStatePlan) =>
  Math.ceil(plan.readsPerTtl / plan.readsPerSecond);

/**
 * Read savings at production-like reads per TTL: Zipf reads arriving at `readsPerSecond` with the TTL
 * scaled so that one TTL holds `readsPerTtl` of them; one TTL of warm-up from an empty cache, then one
 * measured TTL, GetItem counted at the wire. A system (or a busy machine) that fell behind the schedule
 * saw fewer reads per TTL than planned: the run is then repeated once a little below the rate it achieved,
 * with the TTL lengthened to match. `startPool(ttl)` starts the system's processes.
 */
export async function runSteadyState(
  startPool: (ttlSeconds: number) => Promise<WorkerPool>,
  env: BenchEnvironment,
  plan: SteadyStatePlan,
  progress: (line: string) => void,
): Promise<SteadyStateResult> {
  progress(`steady state, ${plan.readsPerSecond} reads/s, TTL ${steadyStateTtlSeconds(plan)} s`);
  const first = await runOnce(startPool, env, plan, 1);
  if (first.readsPerTtl >= ENOUGH_OF_PLAN * plan.readsPerTtl) return first;
  const slower = { ...plan, readsPerSecond: Math.floor(RERUN_PACE * first.readsPerSecond) };
  progress(
    `steady state: ${Math.round(first.readsPerTtl)} reads per TTL, short of ${plan.readsPerTtl}; again at ${slower.readsPerSecond} reads/s, TTL ${steadyStateTtlSeconds(slower)} s`,
  );
  return runOnce(startPool, env, slower, 2);
}

async function runOnce(
  startPool: (ttlSeconds: number) => Promise<WorkerPool>,
  env: BenchEnvironment,
  plan: SteadyStatePlan,
  runs: number,
): Promise<SteadyStateResult> {
  const ttlSeconds = steadyStateTtlSeconds(plan);
  let loads = 0;
  const load = (pool: WorkerPool, seconds: number, warm = false) => {
    loads += 1;
    // A new seed per load and per process: a replayed sequence would read each id again one TTL later.
    const seed = plan.seed + 1000 * loads;
    return Promise.all(
      pool.workers.map((worker, index) =>
        worker.load({
          type: 'load',
          seconds,
          ...(warm
            ? { concurrency: 1, readsPerSecond: undefined, itemCount: HOT_ITEMS, zipfExponent: 0 }
            : {
                concurrency: plan.concurrency,
                readsPerSecond: plan.readsPerSecond / plan.processes,
                itemCount: plan.itemCount,
                zipfExponent: plan.zipfExponent,
              }),
          seed: seed + index,
        }),
      ),
    );
  };
  const pool = await startPool(ttlSeconds);
  try {
    // One caller at a time first, as a Lambda environment's first invocations come: a process's first
    // reads (cold JIT, connecting, the SDK's first request) are slow enough that many at once time out
    // Redis commands and open Aside's breaker, which says nothing about its steady state.
    await load(pool, 1, true);
    await env.flushRedis();
    await load(pool, ttlSeconds);
    const mark = env.counter.getItemArrivals.length;
    const replies = await load(pool, ttlSeconds);
    const { requests: getItems, readUnits } = env.getItemsSince(mark);
    const reads = replies.reduce((sum, reply) => sum + reply.reads, 0);
    const outcomes = sumOutcomes(replies);
    const readsPerSecond = replies.reduce((sum, reply) => sum + reply.reads / reply.seconds, 0);
    const readsPerTtl = readsPerSecond * ttlSeconds;
    const readUnitsPer1000Reads = (1000 * readUnits) / reads;
    return {
      scheduledReadsPerSecond: plan.readsPerSecond,
      runs,
      ttlSeconds,
      seconds: Math.max(...replies.map((reply) => reply.seconds)),
      reads,
      readsPerSecond,
      readsPerTtl,
      outcomes,
      hitRatio: ((outcomes.hit ?? 0) + (outcomes.stale ?? 0)) / reads,
      errors: replies.reduce((sum, reply) => sum + reply.errors, 0),
      firstError: replies.find((reply) => reply.firstError)?.firstError,
      getItems,
      readUnits,
      readUnitsPer1000Reads,
      savedRatio: 1 - readUnitsPer1000Reads / NO_CACHE_READ_UNITS_PER_1000,
      idealSavedRatio: 1 - idealMissRatio(readsPerTtl, plan.itemCount, plan.zipfExponent),
    };
  } finally {
    await pool.stop();
  }
}

function sumOutcomes(replies: readonly LoadReply[]): Partial<Record<CacheOutcome, number>> {
  const outcomes: Partial<Record<CacheOutcome, number>> = {};
  for (const reply of replies)
    for (const [outcome, count] of Object.entries(reply.outcomes) as [CacheOutcome, number][])
      outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
  return outcomes;
}
