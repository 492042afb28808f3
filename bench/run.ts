import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sampleProductId } from '../src/local/sample-catalog.js';
import { measureBundleSize } from './bundle-sizes.js';
import { measureEngineVsRedis } from './engine-vs-redis.js';
import { buildAsideBundles } from './infra/aside-bundles.js';
import { type NetworkDistance, startBenchEnvironment } from './infra/bench-environment.js';
import { workerNode } from './infra/node-binary.js';
import { packageVersions } from './report/package-versions.js';
import type {
  BenchResults,
  SystemBundle,
  SystemHttpResult,
  SystemLambdaResult,
  SystemSteadyStateResult,
} from './report/results.js';
import { writeReports } from './report/write-reports.js';
import {
  runHttpSystem,
  runLambdaSystem,
  runSteadyStateSystem,
  type SystemRunContext,
} from './run-systems.js';
import { describeSystems, type SystemKey } from './systems/system-catalog.js';
import { type BuiltBundle, buildSystemBundle, removeBundle } from './workers/system-bundles.js';
import type { SuitePlan } from './workloads/lambda-suite.js';
import type { SteadyStatePlan } from './workloads/steady-state.js';

/**
 * `npm run bench`: Aside side by side with no cache, the original design, bentocache and cache-manager,
 * on one dynalite catalog and one redis-server: Lambda-like worker processes through every workload,
 * then hits through one HTTP server each (with a floor server). Knobs and method: bench/README.md.
 */
const knob = (name: string, fallback: number) => {
  const raw = process.env[name]?.trim();
  const value = raw ? Number(raw) : fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
};
const SECONDS = knob('BENCH_SECONDS', 3);
const TTL_SECONDS = Math.round(knob('BENCH_TTL_SECONDS', Math.max(1, Math.round(SECONDS))));
const WORKERS = Math.round(knob('BENCH_WORKERS', 4));
const HTTP_SECONDS = knob('BENCH_HTTP_SECONDS', Math.min(SECONDS, 1));
const REQUEST_TIMEOUT_MS = knob('BENCH_REQUEST_TIMEOUT_MS', 2000);
const NETWORK = process.env.BENCH_NETWORK === '1';
const DISTANCE: NetworkDistance = {
  dynamoDbRoundTripMs: knob('BENCH_DYNAMODB_RTT_MS', 8),
  redisRoundTripMs: knob('BENCH_REDIS_RTT_MS', 0.3),
};
const OUT_DIR = process.env.BENCH_OUT?.trim() || 'bench/results';
const ALL_SYSTEMS = describeSystems();
const CHOSEN = new Set(
  (process.env.BENCH_SYSTEMS?.trim() || ALL_SYSTEMS.map((s) => s.key).join(','))
    .split(',')
    .map((s) => s.trim()),
);
const systems = ALL_SYSTEMS.filter((system) => CHOSEN.has(system.key));
const lambdaSystems = systems.filter((system) => system.key !== 'floor');
// The steady state at production-like reads per TTL takes a few TTLs per system: by default only the
// design Aside starts from and Aside; `all` adds the peers.
const STEADY_CHOSEN = process.env.BENCH_STEADY_SYSTEMS?.trim() || 'aside';
const steadySystems = lambdaSystems.filter(
  (system) =>
    system.key !== 'no-cache' &&
    (STEADY_CHOSEN === 'all' || STEADY_CHOSEN.split(',').some((key) => key.trim() === system.key)),
);

const ITEM_COUNT = 10_000;
const CALIBRATION_IDS = Array.from({ length: 30 }, (_, i) => sampleProductId(ITEM_COUNT + 2 + i));
const CATALOG_SIZE = ITEM_COUNT + 1 + CALIBRATION_IDS.length;
const TABLE_NAME = 'Products';
/** Aside's default REDIS_COMMAND_TIMEOUT_MS: the "Redis timeout" of the outage target. */
const REDIS_TIMEOUT_MS = 150;
const PRODUCTION_TTL_SECONDS = 300;
const plan: Omit<SuitePlan, 'usesRedis'> = {
  itemCount: ITEM_COUNT,
  zipfExponent: 0.99,
  seed: 20_261_127,
  ttlSeconds: TTL_SECONDS,
  phaseSeconds: SECONDS,
  uniformSeconds: Math.min(SECONDS, 1),
  writeFraction: 0.05,
  stampedeRequestsPerWorker: 5,
  stampedeId: sampleProductId(ITEM_COUNT + 1),
  calibrationIds: CALIBRATION_IDS,
};

const steadyPlan: SteadyStatePlan = {
  readsPerTtl: Math.round(knob('BENCH_STEADY_READS_PER_TTL', 160_000)),
  readsPerSecond: Math.round(knob('BENCH_STEADY_READS_PER_SECOND', 6_000)),
  processes: 2,
  concurrency: 16,
  itemCount: ITEM_COUNT,
  zipfExponent: plan.zipfExponent,
  seed: plan.seed + 7,
};

const log = (line: string) =>
  process.stderr.write(`[${(performance.now() / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const startedAt = new Date();
const loadAverageAtStart = loadavg();
const node = workerNode();

log(`building the Aside functions and ${systems.length} system bundles…`);
const asideBundles = await buildAsideBundles();
const bundles = new Map<SystemKey, BuiltBundle>();
for (const system of systems) bundles.set(system.key, await buildSystemBundle(system.module));
const bundleOf = (key: SystemKey) => bundles.get(key)?.entry as string;

async function withEnvironment<T>(
  distance: NetworkDistance | undefined,
  run: (context: SystemRunContext) => Promise<T>,
) {
  log(
    `starting dynalite (${CATALOG_SIZE} items) and redis-server${distance ? ', behind delay proxies' : ''}…`,
  );
  const env = await startBenchEnvironment(TABLE_NAME, CATALOG_SIZE, distance);
  try {
    return await run({
      env,
      node,
      asideBundles,
      tableName: TABLE_NAME,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      log,
    });
  } finally {
    await env.stop();
  }
}

async function lambdaRound(context: SystemRunContext): Promise<SystemLambdaResult[]> {
  const results: SystemLambdaResult[] = [];
  for (const system of lambdaSystems) {
    const usesRedis = system.key !== 'no-cache';
    results.push(
      await runLambdaSystem(system, bundleOf(system.key), WORKERS, { ...plan, usesRedis }, context),
    );
  }
  return results;
}

async function httpRound(context: SystemRunContext): Promise<SystemHttpResult[]> {
  const results: SystemHttpResult[] = [];
  const httpPlan = { hotItems: 100, seconds: HTTP_SECONDS, connections: 32 };
  // The floor right before Aside, so the ratio between them suffers the least drift in machine load.
  const order = [
    ...systems.filter((system) => system.key !== 'floor' && system.key !== 'aside'),
    ...systems.filter((system) => system.key === 'floor'),
    ...systems.filter((system) => system.key === 'aside'),
  ];
  for (const system of order)
    results.push(await runHttpSystem(system, bundleOf(system.key), httpPlan, context));
  return results;
}

async function steadyStateRound(context: SystemRunContext): Promise<SystemSteadyStateResult[]> {
  const results: SystemSteadyStateResult[] = [];
  for (const system of steadySystems)
    results.push(await runSteadyStateSystem(system, bundleOf(system.key), steadyPlan, context));
  return results;
}

try {
  const [local, http, steadyState] = await withEnvironment(
    undefined,
    async (context): Promise<[SystemLambdaResult[], SystemHttpResult[], SystemSteadyStateResult[]]> => [
      await lambdaRound(context),
      await httpRound(context),
      await steadyStateRound(context),
    ],
  );
  const atDistance = NETWORK ? await withEnvironment(DISTANCE, lambdaRound) : undefined;
  log('engine hit vs bare Redis GET…');
  const engineVsRedis = await measureEngineVsRedis(5);
  const systemBundles: SystemBundle[] = systems.map((system) => {
    const isAside = system.key === 'aside';
    const dir = isAside ? asideBundles.apiDir : `${bundles.get(system.key)?.dir}/out`;
    const what = isAside
      ? 'the api function (npm run build)'
      : 'adapter + AWS SDK + its clients, built alike';
    return { system: system.key, label: system.label, what, ...measureBundleSize(dir) };
  });
  const results: BenchResults = {
    meta: {
      startedAt: startedAt.toISOString(),
      seconds: Math.round(performance.now() / 1000),
      command: commandLine(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
      loadAverageAtStart,
      loadAverageAtEnd: loadavg(),
      node: { harness: process.version, workers: workerNodeVersion() },
      versions: packageVersions(),
      knobs: {
        BENCH_SECONDS: SECONDS,
        BENCH_TTL_SECONDS: TTL_SECONDS,
        BENCH_WORKERS: WORKERS,
        BENCH_NETWORK: NETWORK ? 1 : 0,
      },
    },
    plan: {
      workers: WORKERS,
      itemCount: ITEM_COUNT,
      zipfExponent: plan.zipfExponent,
      ttlSeconds: TTL_SECONDS,
      productionTtlSeconds: PRODUCTION_TTL_SECONDS,
      phaseSeconds: SECONDS,
      writeFraction: plan.writeFraction,
      stampedeRequestsPerWorker: plan.stampedeRequestsPerWorker,
      redisTimeoutMs: REDIS_TIMEOUT_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      steadyState: {
        readsPerTtl: steadyPlan.readsPerTtl,
        readsPerSecond: steadyPlan.readsPerSecond,
        processes: steadyPlan.processes,
        concurrency: steadyPlan.concurrency,
      },
    },
    distance: DISTANCE,
    lambda: { local, distance: atDistance },
    http,
    steadyState,
    engineVsRedis,
    bundles: systemBundles,
  };
  const written = await writeReports(results, OUT_DIR);
  log(`done in ${results.meta.seconds} s: ${written.join(', ')}`);
} finally {
  await asideBundles.remove();
  for (const bundle of bundles.values()) await removeBundle(bundle);
}

function commandLine(): string {
  const set = Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_'))
    .map(([name, value]) => `${name}=${value}`);
  return [...set, 'npm run bench'].join(' ');
}

function workerNodeVersion(): string {
  return execFileSync(node, ['--version']).toString().trim();
}
