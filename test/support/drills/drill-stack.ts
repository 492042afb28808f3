import { type Config, loadConfig } from '../../../src/config/config.js';
import { sampleCatalog } from '../../../src/local/sample-catalog.js';
import type { EmfMetrics } from '../../../src/observability/emf-metrics.js';
import { MetricUnit } from '../../../src/observability/metric-unit.js';
import type { DynamoDbFaultProxy } from '../dynamodb-fault-proxy.js';
import type { TestRedisCluster, TestRedisServer } from '../redis-harness.js';
import {
  startClusterStackBehindFaultProxy,
  startStackBehindFaultProxy,
} from '../stack-behind-fault-proxy.js';

/** Products seeded in dynalite: the drills read the first few. */
const CATALOG_SIZE = 40;
/** A replica notices its master is gone after this long, then takes over its slots. */
const CLUSTER_NODE_TIMEOUT_MS = 1_000;

/** The local HTTP stack a drill runs against, and the parts its faults act on. */
export interface DrillStack {
  readonly url: string;
  /** The configuration the stack runs with, to derive the drill's bounds from. */
  readonly config: Config;
  readonly proxy: DynamoDbFaultProxy;
  /** The standalone redis-server, when the drill runs on one. */
  readonly redis: TestRedisServer | undefined;
  /** The cluster (three masters, one replica each), when the drill runs on one. */
  readonly cluster: TestRedisCluster | undefined;
  /** The server's own counts so far (its EMF Count metrics, as CloudWatch would sum them), by name. */
  counts(): Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

export interface DrillStackOptions {
  readonly redis: 'standalone' | 'cluster';
  readonly redisArgs?: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The stack over a Redis and a dynalite it owns, with DynamoDB behind the fault proxy. The SDK takes
 * its credentials from the process environment: the caller sets AWS_ACCESS_KEY_ID and its secret.
 */
export async function startDrillStack(options: DrillStackOptions): Promise<DrillStack> {
  const products = sampleCatalog(CATALOG_SIZE);
  // Logs off: a drill causes thousands of expected errors.
  const env = { LOG_LEVEL: 'SILENT', ...options.env };
  const parts =
    options.redis === 'cluster'
      ? await startClusterStackBehindFaultProxy(products, env, {
          withReplicas: true,
          nodeTimeoutMs: CLUSTER_NODE_TIMEOUT_MS,
        })
      : await startStackBehindFaultProxy(products, env, { redisArgs: options.redisArgs ?? [] });
  const config = loadConfig({
    ...env,
    TABLE_NAME: 'Products',
    REDIS_URL: 'cluster' in parts ? parts.cluster.url : parts.redis.url,
  });
  return {
    url: parts.stack.url,
    config,
    proxy: parts.proxy,
    redis: 'redis' in parts ? parts.redis : undefined,
    cluster: 'cluster' in parts ? parts.cluster : undefined,
    counts: tapCounts(parts.stack.runtime.telemetry.metrics),
    stop: parts.stop,
  };
}

/**
 * Sums every Count metric the server adds from now on, passing each on unchanged: what the server
 * itself saw (store errors, breaker refusals) that the client cannot tell from the answers.
 */
function tapCounts(metrics: EmfMetrics): () => Readonly<Record<string, number>> {
  const counts: Record<string, number> = {};
  const addMetric = metrics.addMetric.bind(metrics);
  metrics.addMetric = (name, unit, value) => {
    if (unit === MetricUnit.Count) counts[name] = (counts[name] ?? 0) + value;
    return addMetric(name, unit, value);
  };
  return () => ({ ...counts });
}
