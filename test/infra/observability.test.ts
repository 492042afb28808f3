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
