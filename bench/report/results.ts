import type { BundleSize } from '../bundle-sizes.js';
import type { EngineVsRedisResult } from '../engine-vs-redis.js';
import type { NetworkDistance } from '../infra/bench-environment.js';
import type { SystemKey } from '../systems/system-catalog.js';
import type { HttpSuiteResult } from '../workloads/http-suite.js';
import type { LambdaSuiteResult } from '../workloads/lambda-suite.js';
import type { SteadyStateResult } from '../workloads/steady-state.js';

export interface SystemLambdaResult extends LambdaSuiteResult {
  readonly system: SystemKey;
  readonly label: string;
  readonly short: string;
  /** Median worker init: process start to adapter ready (Aside: importing the api bundle). */
  readonly initMs: number;
}

export interface SystemHttpResult extends HttpSuiteResult {
  readonly system: SystemKey;
  readonly label: string;
  readonly short: string;
}

export interface SystemSteadyStateResult extends SteadyStateResult {
  readonly system: SystemKey;
  readonly label: string;
  readonly short: string;
}

export interface SystemBundle extends BundleSize {
  readonly system: SystemKey;
  readonly label: string;
  readonly what: string;
}

/** Everything one `npm run bench` measured: the JSON the Markdown and HTML reports are made from. */
export interface BenchResults {
  readonly meta: {
    readonly startedAt: string;
    readonly seconds: number;
    readonly command: string;
    readonly machine: string;
    readonly loadAverageAtStart: readonly number[];
    readonly loadAverageAtEnd: readonly number[];
    readonly node: { readonly harness: string; readonly workers: string };
    readonly versions: Readonly<Record<string, string>>;
    readonly knobs: Readonly<Record<string, string | number>>;
  };
  readonly plan: {
    readonly workers: number;
    readonly itemCount: number;
    readonly zipfExponent: number;
    readonly ttlSeconds: number;
    readonly productionTtlSeconds: number;
    readonly phaseSeconds: number;
    readonly writeFraction: number;
    readonly stampedeRequestsPerWorker: number;
    readonly redisTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly steadyState: {
      readonly readsPerTtl: number;
      readonly readsPerSecond: number;
      readonly processes: number;
      readonly concurrency: number;
    };
  };
  /** Round trips the "modelled" figures add; with BENCH_NETWORK=1 also the proxies' delays of the raw run. */
  readonly distance: NetworkDistance;
  readonly lambda: {
    readonly local: readonly SystemLambdaResult[];
    readonly distance: readonly SystemLambdaResult[] | undefined;
  };
  readonly http: readonly SystemHttpResult[];
  /** Read savings at production-like reads per TTL: what the ≥ 95 % target is judged on. */
  readonly steadyState: readonly SystemSteadyStateResult[];
  readonly engineVsRedis: EngineVsRedisResult;
  readonly bundles: readonly SystemBundle[];
}
