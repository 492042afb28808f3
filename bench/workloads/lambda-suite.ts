import { sampleProductId } from '../../src/local/sample-catalog.js';
import type { BenchEnvironment } from '../infra/bench-environment.js';
import type { WorkerPool } from '../workers/worker-pool.js';
import { mulberry32, zipfSampler } from '../zipf.js';
import { runClosedLoop } from './closed-loop.js';
import { type PhaseFigures, PhaseRecorder } from './phase-recorder.js';
import { RequestSource } from './request-source.js';

/** The workload's shape; run.ts sets it from its knobs. */
export interface SuitePlan {
  /** Zipf and uniform reads draw from prod-0001 … prod-<itemCount>. */
  readonly itemCount: number;
  readonly zipfExponent: number;
  readonly seed: number;
  readonly ttlSeconds: number;
  /** Length of the write-mix and outage phases. */
  readonly phaseSeconds: number;
  readonly uniformSeconds: number;
  readonly writeFraction: number;
  readonly stampedeRequestsPerWorker: number;
  /** Never read by the other phases, so it is cold when the stampede starts. */
  readonly stampedeId: string;
  /** Read once each to miss, then again to hit: round trips per outcome for the distance model. */
  readonly calibrationIds: readonly string[];
  /** False for a system without Redis (no cache): no outage to cause. */
  readonly usesRedis: boolean;
}

export interface ReadCost {
  readonly getItems: number;
  readonly readUnits: number;
  readonly readUnitsPer1000Reads: number;
}

export interface LambdaSuiteResult {
  readonly stampede: { readonly requests: number; readonly getItems: number; readonly errors: number };
  /** Steady state at low reads per TTL: measured after one TTL of warm-up, for one TTL. */
  readonly zipf: PhaseFigures & ReadCost & { readonly readsPerTtl: number };
  readonly uniform: PhaseFigures & ReadCost;
  readonly writeMix: PhaseFigures;
  readonly outage: PhaseFigures | undefined;
  readonly calibration: {
    readonly redisCommandsPerHit: number;
    readonly redisCommandsPerMiss: number;
    readonly getItemsPerMiss: number;
    /** Which commands one miss sends, on average. */
    readonly missCommands: Readonly<Record<string, number>>;
  };
}

/** Every Lambda-mode workload for one system, on its pool of workers, Redis emptied before each. */
export async function runLambdaSuite(
  pool: WorkerPool,
  env: BenchEnvironment,
  plan: SuitePlan,
  progress: (phase: string) => void,
): Promise<LambdaSuiteResult> {
  const zipfIds = () => {
    const rank = zipfSampler(plan.itemCount, plan.zipfExponent, plan.seed);
    return () => sampleProductId(rank());
  };
  const withCost = (figures: PhaseFigures, mark: number): PhaseFigures & ReadCost => {
    const { requests, readUnits } = env.getItemsSince(mark);
    return {
      ...figures,
      getItems: requests,
      readUnits,
      readUnitsPer1000Reads: (1000 * readUnits) / figures.reads,
    };
  };

  progress('calibration');
  await env.flushRedis();
  const calibration = await calibrate(pool, env, plan.calibrationIds);

  progress('stampede');
  await env.flushRedis();
  const stampede = await runStampede(pool, env, plan);

  progress('zipf');
  await env.flushRedis();
  const zipfSource = new RequestSource(zipfIds());
  await runClosedLoop(pool, plan.ttlSeconds, zipfSource);
  const zipfMark = env.counter.getItemArrivals.length;
  const zipfRecorder = new PhaseRecorder();
  await runClosedLoop(pool, plan.ttlSeconds, zipfSource, zipfRecorder);
  const zipfFigures = withCost(zipfRecorder.figures(), zipfMark);
  const zipf = { ...zipfFigures, readsPerTtl: zipfFigures.readsPerSecond * plan.ttlSeconds };

  progress('uniform');
  await env.flushRedis();
  const random = mulberry32(plan.seed);
  const uniformMark = env.counter.getItemArrivals.length;
  const uniformRecorder = new PhaseRecorder();
  const uniformIds = () => sampleProductId(1 + Math.floor(random() * plan.itemCount));
  await runClosedLoop(pool, plan.uniformSeconds, new RequestSource(uniformIds), uniformRecorder);
  const uniform = withCost(uniformRecorder.figures(), uniformMark);

  progress('write mix');
  await Promise.all(pool.workers.map((worker) => worker.call({ type: 'prepare-writes' })));
  await env.flushRedis();
  const writeRecorder = new PhaseRecorder();
  const writeSource = new RequestSource(zipfIds(), plan.writeFraction, mulberry32(plan.seed + 1));
  await runClosedLoop(pool, plan.phaseSeconds, writeSource, writeRecorder);
  const writeMix = writeRecorder.figures();

  let outage: PhaseFigures | undefined;
  if (plan.usesRedis) {
    progress('Redis outage');
    await env.flushRedis();
    outage = await runOutage(pool, env, plan, new RequestSource(zipfIds()));
  }
  return { stampede, zipf, uniform, writeMix, outage, calibration };
}

/** All workers ask for one cold key at once, then keep asking: how many reach DynamoDB. */
async function runStampede(pool: WorkerPool, env: BenchEnvironment, plan: SuitePlan) {
  const mark = env.counter.getItemArrivals.length;
  let remaining = plan.stampedeRequestsPerWorker * pool.workers.length;
  const requests = remaining;
  let errors = 0;
  await Promise.all(
    pool.workers.map(async (worker) => {
      while (remaining > 0) {
        remaining -= 1;
        const reply = await worker.call({ type: 'read', id: plan.stampedeId });
        if (reply.status !== 200) errors += 1;
      }
    }),
  );
  return { requests, getItems: env.getItemsSince(mark, plan.stampedeId).requests, errors };
}

/** Zipf reads; Redis is killed after a third of the phase and restarted (empty) after two thirds. */
async function runOutage(pool: WorkerPool, env: BenchEnvironment, plan: SuitePlan, source: RequestSource) {
  const recorder = new PhaseRecorder();
  const thirdMs = (plan.phaseSeconds * 1000) / 3;
  const chaos = (async () => {
    await sleep(thirdMs);
    await env.redis.kill();
    recorder.markRedisDown();
    await sleep(thirdMs);
    await env.redis.restart();
    recorder.markRedisUp();
  })();
  await runClosedLoop(pool, plan.phaseSeconds, source, recorder);
  await chaos;
  return recorder.figures();
}

/** One worker, one request at a time: each id once (a miss), then each again (a hit). */
async function calibrate(pool: WorkerPool, env: BenchEnvironment, ids: readonly string[]) {
  const [worker] = pool.workers;
  const [warmUp, ...measured] = ids;
  if (!worker || warmUp === undefined) throw new Error('no workers or no calibration ids');
  // A first miss may load scripts or open connections: not what every miss costs.
  await worker.call({ type: 'read', id: warmUp });
  const pass = async () => {
    const mark = env.counter.getItemArrivals.length;
    const commands = await env.countClientCommands(async () => {
      for (const id of measured) await worker.call({ type: 'read', id });
    });
    const perRead: Record<string, number> = {};
    let total = 0;
    for (const [command, calls] of commands) {
      perRead[command] = calls / measured.length;
      total += calls;
    }
    return {
      commands: total / measured.length,
      perRead,
      getItems: env.getItemsSince(mark).requests / measured.length,
    };
  };
  const misses = await pass();
  const hits = await pass();
  return {
    redisCommandsPerMiss: misses.commands,
    redisCommandsPerHit: hits.commands,
    getItemsPerMiss: misses.getItems,
    missCommands: misses.perRead,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
