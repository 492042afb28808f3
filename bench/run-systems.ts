import type { AsideBundles } from './infra/aside-bundles.js';
import type { BenchEnvironment } from './infra/bench-environment.js';
import { asideEnvironment, workerEnvironment } from './infra/worker-environment.js';
import { startLocalServer } from './local-server-process.js';
import type { SystemHttpResult, SystemLambdaResult, SystemSteadyStateResult } from './report/results.js';
import type { SystemDescription } from './systems/system-catalog.js';
import type { SystemSettings } from './systems/system-settings.js';
import { startSystemHttpProcess } from './workers/system-http-process.js';
import { startWorkerPool } from './workers/worker-pool.js';
import { type HttpPlan, runHttpSuite } from './workloads/http-suite.js';
import { runLambdaSuite, type SuitePlan } from './workloads/lambda-suite.js';
import { runSteadyState, type SteadyStatePlan } from './workloads/steady-state.js';

export interface SystemRunContext {
  readonly env: BenchEnvironment;
  readonly node: string;
  readonly asideBundles: AsideBundles;
  readonly tableName: string;
  readonly requestTimeoutMs: number;
  readonly log: (line: string) => void;
}

function settingsFor(context: SystemRunContext, ttlSeconds: number): SystemSettings {
  return {
    redisUrl: context.env.redisUrl,
    dynamoDbEndpoint: context.env.dynamoDbEndpoint,
    tableName: context.tableName,
    region: 'us-east-1',
    ttlSeconds,
  };
}

/** One system in N Lambda-like worker processes, through every workload. */
export async function runLambdaSystem(
  system: SystemDescription,
  bundle: string,
  workers: number,
  plan: SuitePlan,
  context: SystemRunContext,
): Promise<SystemLambdaResult> {
  context.log(`${system.label}: starting ${workers} worker processes`);
  const pool = await startWorkerPool({
    count: workers,
    bundle,
    node: context.node,
    env: workerEnvironment(
      system.key,
      settingsFor(context, plan.ttlSeconds),
      context.asideBundles,
      context.requestTimeoutMs,
    ),
  });
  try {
    const suite = await runLambdaSuite(pool, context.env, plan, (phase) =>
      context.log(`${system.label}: ${phase}`),
    );
    const sorted = [...pool.initMs].sort((a, b) => a - b);
    return {
      system: system.key,
      label: system.label,
      short: system.short,
      initMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
      ...suite,
    };
  } finally {
    await pool.stop();
  }
}

/** Production TTL for the HTTP hit runs: they measure hits only, nothing expires. */
const HTTP_TTL_SECONDS = 300;

/** One system behind one HTTP server process: Aside's own local server, or the system's bundle. */
export async function runHttpSystem(
  system: SystemDescription,
  bundle: string,
  plan: HttpPlan,
  context: SystemRunContext,
): Promise<SystemHttpResult> {
  context.log(`${system.label}: HTTP`);
  await context.env.flushRedis();
  const settings = settingsFor(context, HTTP_TTL_SECONDS);
  const environment = workerEnvironment(system.key, settings, context.asideBundles, context.requestTimeoutMs);
  const server =
    system.key === 'aside'
      ? await startLocalServer(
          { ...environment, ...asideEnvironment(settings), LOG_LEVEL: 'ERROR' },
          context.node,
        )
      : await startSystemHttpProcess(bundle, context.node, environment);
  try {
    return {
      system: system.key,
      label: system.label,
      short: system.short,
      ...(await runHttpSuite(server.url, plan)),
    };
  } finally {
    await server.stop();
  }
}

/** One system's read savings at production-like reads per TTL: its processes, restarted per TTL. */
export async function runSteadyStateSystem(
  system: SystemDescription,
  bundle: string,
  plan: SteadyStatePlan,
  context: SystemRunContext,
): Promise<SystemSteadyStateResult> {
  const startPool = (ttlSeconds: number) =>
    startWorkerPool({
      count: plan.processes,
      bundle,
      node: context.node,
      env: workerEnvironment(
        system.key,
        settingsFor(context, ttlSeconds),
        context.asideBundles,
        context.requestTimeoutMs,
      ),
    });
  const result = await runSteadyState(startPool, context.env, plan, (line) =>
    context.log(`${system.label}: ${line}`),
  );
  return { system: system.key, label: system.label, short: system.short, ...result };
}
