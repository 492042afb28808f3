import { describe, expect, it } from 'vitest';
import { METRIC } from '../../src/observability/metric-names.js';
import { expr, moduleCall, resource, terraformDir } from './support/load-terraform.js';

/**
 * The app's EMF metrics the dashboard must chart (namespace METRICS_NAMESPACE, dimension service).
 * CacheStale is charted ahead of the stale-serving step that will emit it.
 */
const APP_METRICS = [
  METRIC.cacheHits,
  METRIC.cacheMisses,
  METRIC.cacheBypass,
  METRIC.readUnits,
  'CacheStale',
];

describe('dashboard and alarms', async () => {
  const observability = await terraformDir('modules/observability');
  const widgets = JSON.stringify(observability.locals.get('widgets'));
  const cacheMetrics = JSON.stringify(observability.locals.get('cache_metric'));

  it("charts the app's own metrics in its namespace with the service dimension, and the hit ratio", () => {
    for (const metric of APP_METRICS) expect(widgets).toContain(metric);
    expect(observability.locals.get('app')).toEqual({
      namespace: expr('var.metrics_namespace'),
      dimensions: ['service', expr('var.service_name')],
    });
    expect(widgets).toContain('100 * hits / (hits + misses)');
  });

  it('charts ElastiCache memory, evictions, engine CPU and connections, and Lambda/API p99 and errors', () => {
    for (const metric of [
      'DatabaseMemoryUsagePercentage',
      'Evictions',
      'EngineCPUUtilization',
      'CurrConnections',
    ]) {
      expect(cacheMetrics).toContain(metric);
    }
    for (const text of ['Duration', 'Throttles', 'Errors', 'Latency', '5XXError']) {
      expect(widgets).toContain(text);
    }
  });

  it('sends every alarm to the SNS topic', () => {
    for (const name of ['this', 'hit_ratio']) {
      const alarm = resource(observability, 'aws_cloudwatch_metric_alarm', name);
      expect(alarm.alarm_actions).toBe(expr('local.alarm_actions'));
    }
    expect(observability.locals.get('alarm_actions')).toEqual([expr('aws_sns_topic.alarms.arn')]);
    const alarms = JSON.stringify(observability.locals.get('alarms'));
    for (const metric of [
      'CacheBypass',
      '5XXError',
      'Latency',
      'Errors',
      'Throttles',
      'DatabaseMemoryUsagePercentage',
      'Evictions',
      'EngineCPUUtilization',
      'CurrConnections',
    ]) {
      expect(alarms).toContain(`metric = \\"${metric}\\"`);
    }
  });

  it("alarms on each function's p99 duration", () => {
    const alarms = String(observability.locals.get('alarms'));
    expect(alarms).toContain(`"${expr('f')}-p99-duration" = {`);
    expect(alarms).toMatch(
      /namespace\s+= "AWS\/Lambda", metric = "Duration", dimensions = tomap\(\{ FunctionName = f \}\)\s+statistic\s+= null, extended = "p99", comparison = "GreaterThanThreshold", threshold = var\.function_p99_duration_alarm_ms/,
    );
  });

  it('alarms on the Serverless cache ECPUs, stored bytes and connections against its limits', async () => {
    const alarms = String(observability.locals.get('alarms'));
    for (const [key, metric, statistic] of [
      ['cache-ecpu', 'ElastiCacheProcessingUnits', 'Sum'],
      ['cache-storage', 'BytesUsedForCache', 'Maximum'],
      ['cache-connections', 'CurrConnections', 'Maximum'],
    ]) {
      const at = alarms.indexOf(`"${key}" = {`);
      expect(at, key).toBeGreaterThan(0);
      const body = alarms.slice(at, alarms.indexOf('\n      }', at));
      expect(body).toContain(
        `metric = "${metric}", dimensions = tomap({ clusterId = var.serverless_cache_name })`,
      );
      expect(body).toMatch(new RegExp(`statistic\\s+= "${statistic}"`));
    }
    expect(alarms).toContain(
      'threshold = coalesce(var.serverless_max_ecpu_per_second, 0) * 60 * var.serverless_limit_alarm_percent / 100',
    );
    expect(alarms).toContain(
      'threshold = coalesce(var.serverless_max_data_storage_gb, 0) * 1000000000 * var.serverless_limit_alarm_percent / 100',
    );
    const env = await terraformDir('environments/example');
    const call = moduleCall(env, 'observability');
    expect(call.serverless_max_ecpu_per_second).toBe(expr('module.cache.serverless_max_ecpu_per_second'));
    expect(call.serverless_max_data_storage_gb).toBe(expr('module.cache.serverless_max_data_storage_gb'));
    const cache = await terraformDir('modules/cache');
    expect(cache.outputs.get('serverless_max_ecpu_per_second')?.value).toBe(
      expr('local.serverless ? var.serverless_max_ecpu_per_second : null'),
    );
  });

  it('uses the namespace and service name the functions are given', async () => {
    const env = await terraformDir('environments/example');
    const call = moduleCall(env, 'observability');
    expect(call.metrics_namespace).toBe(expr('var.metrics_namespace'));
    expect(call.service_name).toBe(expr('var.service_name'));
    const environment = String(moduleCall(env, 'api_function').environment);
    expect(environment).toContain('METRICS_NAMESPACE     = var.metrics_namespace');
    expect(environment).toContain('SERVICE_NAME          = var.service_name');
  });
});
