import { describe, expect, it } from 'vitest';
import { METRIC } from '../../src/observability/metric-names.js';
import { blocksOf, expr, isBody, moduleCall, resource, terraformDir } from './support/load-terraform.js';

/** The app's EMF metrics (namespace METRICS_NAMESPACE, dimension service): the dashboard must chart each. */
const APP_METRICS: readonly string[] = Object.values(METRIC);

/** Every string in an hcl2json rendering (literals and expression text), so patterns can be sought in it. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isBody(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}

/** One entry of the `alarms` map, from its key to the end of its object. */
function alarmBody(alarms: string, key: string): string {
  const at = alarms.indexOf(`"${key}" = {`);
  expect(at, key).toBeGreaterThan(0);
  return alarms.slice(at, alarms.indexOf('\n      }', at));
}

describe('dashboard and alarms', async () => {
  const observability = await terraformDir('modules/observability');
  const widgets = JSON.stringify(observability.locals.get('widgets'));
  const widgetText = stringsIn(observability.locals.get('widgets')).join('\n');
  const cacheMetrics = JSON.stringify(observability.locals.get('cache_metric'));
  const alarms = String(observability.locals.get('alarms'));

  it("charts the app's own metrics in its namespace with the service dimension, and the hit ratio", () => {
    for (const metric of APP_METRICS) expect(widgets).toContain(metric);
    expect(observability.locals.get('app')).toEqual({
      namespace: expr('var.metrics_namespace'),
      dimensions: ['service', expr('var.service_name')],
    });
    expect(observability.locals.get('app_metric')).toBe(
      expr(
        '{ for name in local.app_metric_names : name => concat([local.app.namespace, name], local.app.dimensions) }',
      ),
    );
    expect(widgetText).toContain('expression = local.hit_ratio_expression');
  });

  it('charts every metric of src/observability/metric-names.ts, and only those, as app metrics', () => {
    // The app's lines all come from app_metric, whose names are METRIC's: a metric added there and
    // not here fails this test; a name misspelt in a widget fails the plan (no such map key).
    const names = observability.locals.get('app_metric_names') as string[];
    expect([...names].sort()).toEqual([...APP_METRICS].sort());
    expect(new Set(names).size).toBe(names.length);

    const charted = new Set<string>();
    for (const [, index] of widgetText.matchAll(/local\.app_metric\[([^\]]+)\]/g)) {
      if (index === 'name') continue; // the hit ratio's inputs, checked below
      charted.add(JSON.parse(index as string) as string);
    }
    const byIndexVariable = [...widgetText.matchAll(/local\.app_metric\[name\]/g)];
    if (byIndexVariable.length > 0) {
      expect(byIndexVariable).toHaveLength(1);
      expect(widgetText).toContain(
        'for id, name in local.hit_ratio_inputs : concat(local.app_metric[name], [{ id = id, visible = false }])',
      );
      for (const name of Object.values(observability.locals.get('hit_ratio_inputs') as object)) {
        charted.add(String(name));
      }
    }
    expect([...charted].filter((name) => !APP_METRICS.includes(name))).toEqual([]);
    expect(APP_METRICS.filter((name) => !charted.has(name))).toEqual([]);
  });

  it("charts nothing else in the app's namespace: every other line names an AWS namespace", () => {
    expect(widgetText).not.toMatch(/local\.app\.namespace|var\.metrics_namespace/);
    const text = `${widgetText}\n${stringsIn(observability.locals.get('cache_metric')).join('\n')}`;
    const namespaces = [...text.matchAll(/"([A-Za-z0-9._-]+\/[A-Za-z0-9._/-]+)"/g)].map((match) => match[1]);
    expect(new Set(namespaces)).toEqual(
      new Set(['AWS/ElastiCache', 'AWS/Lambda', 'AWS/ApiGateway', 'AWS/SQS']),
    );
  });

  it('keeps every dashboard line a list of its own', () => {
    // flatten() is recursive: it would merge the lines into one flat list of strings.
    expect(widgetText).not.toContain('flatten(');
  });

  it('counts stale reads as served from the cache, alike in the hit-ratio widget and alarm', () => {
    expect(observability.locals.get('hit_ratio_inputs')).toEqual({
      hits: METRIC.cacheHits,
      stale: METRIC.cacheStale,
      misses: METRIC.cacheMisses,
      bypass: METRIC.cacheBypass,
    });
    // FILL: a count with no reads of its kind in a minute has no data point, which would blank the ratio.
    expect(observability.locals.get('hit_ratio_expression')).toBe(
      '100 * (FILL(hits, 0) + FILL(stale, 0)) / (FILL(hits, 0) + FILL(stale, 0) + FILL(misses, 0) + FILL(bypass, 0))',
    );

    const alarm = resource(observability, 'aws_cloudwatch_metric_alarm', 'hit_ratio');
    expect(blocksOf(alarm, 'metric_query')).toEqual([
      {
        id: 'ratio',
        expression: expr('local.hit_ratio_expression'),
        label: 'Served from cache',
        return_data: true,
      },
    ]);
    const inputs = isBody(alarm.dynamic) ? blocksOf(alarm.dynamic, 'metric_query') : [];
    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.for_each).toBe(expr('local.hit_ratio_inputs'));
    expect(inputs[0]?.content).toEqual([
      {
        id: expr('metric_query.key'),
        metric: [
          {
            namespace: expr('var.metrics_namespace'),
            metric_name: expr('metric_query.value'),
            dimensions: { service: expr('var.service_name') },
            period: 60,
            stat: 'Sum',
          },
        ],
      },
    ]);
    expect(alarm.treat_missing_data).toBe('notBreaching');
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
    const alarmResources = [...(observability.resources.get('aws_cloudwatch_metric_alarm')?.keys() ?? [])];
    expect(alarmResources.sort()).toEqual(['failure_queue', 'hit_ratio', 'this']);
    for (const name of alarmResources) {
      const alarm = resource(observability, 'aws_cloudwatch_metric_alarm', name);
      expect(alarm.alarm_actions).toBe(expr('local.alarm_actions'));
    }
    expect(observability.locals.get('alarm_actions')).toEqual([expr('aws_sns_topic.alarms.arn')]);
    const alarms = JSON.stringify(observability.locals.get('alarms'));
    for (const metric of [
      'CacheBypass',
      'LeaseWaitTimeouts',
      'CorruptCacheEntries',
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

  it('alarms on lease-wait timeouts and corrupt cache entries, no data counting as none', () => {
    for (const [key, metric, threshold] of [
      ['lease-wait-timeouts', METRIC.leaseWaitTimeouts, 'var.lease_wait_timeouts_alarm'],
      ['corrupt-cache-entries', METRIC.corruptEntries, '0'],
    ]) {
      const body = alarmBody(alarms, key as string);
      expect(body).toContain(
        `namespace   = var.metrics_namespace, metric = "${metric}", dimensions = tomap({ service = var.service_name })`,
      );
      expect(body).toContain(
        `statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = ${threshold}`,
      );
    }
    const alarm = resource(observability, 'aws_cloudwatch_metric_alarm', 'this');
    expect(alarm.for_each).toBe(expr('local.alarms'));
    expect(alarm.treat_missing_data).toBe('notBreaching');
    expect(alarm.ok_actions).toBe(expr('local.alarm_actions'));
    expect(observability.variables.get('lease_wait_timeouts_alarm')?.default).toBe(0);
  });

  it("alarms only on metrics the app emits, in its namespace, or on AWS's own", () => {
    const appAlarms = [...alarms.matchAll(/namespace\s+= var\.metrics_namespace, metric = "(\w+)"/g)].map(
      (match) => match[1] as string,
    );
    expect(appAlarms).toEqual(
      expect.arrayContaining([METRIC.cacheBypass, METRIC.leaseWaitTimeouts, METRIC.corruptEntries]),
    );
    expect(appAlarms.filter((name) => !APP_METRICS.includes(name))).toEqual([]);
    const namespaces = [...alarms.matchAll(/namespace\s+= ([^,]+),/g)].map((match) => match[1] as string);
    expect(namespaces.filter((ns) => ns !== 'var.metrics_namespace' && !/^"AWS\/\w+"$/.test(ns))).toEqual([]);
  });

  it("alarms on each function's p99 duration", () => {
    expect(alarms).toContain(`"${expr('f')}-p99-duration" = {`);
    expect(alarms).toMatch(
      /namespace\s+= "AWS\/Lambda", metric = "Duration", dimensions = tomap\(\{ FunctionName = f \}\)\s+statistic\s+= null, extended = "p99", comparison = "GreaterThanThreshold", threshold = var\.function_p99_duration_alarm_ms/,
    );
  });

  it('alarms on the Serverless cache ECPUs, stored bytes and connections against its limits', async () => {
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

  it('charts the write path and the stream: writes, cache maintenance, records, iterator age, failure queue', async () => {
    for (const metric of [
      METRIC.productWrites,
      METRIC.writePreconditionFailures,
      METRIC.cacheWriteThroughs,
      METRIC.cacheWritesSuperseded,
      METRIC.cacheInvalidations,
      METRIC.cacheMaintenanceErrors,
      METRIC.streamRecords,
      METRIC.streamRecordFailures,
    ]) {
      expect(widgetText).toContain(`local.app_metric["${metric}"]`);
    }
    expect(widgetText).toContain(
      '[for f in var.stream_function_names : ["AWS/Lambda", "IteratorAge", "FunctionName", f, { stat = "Maximum", yAxis = "right" }]]',
    );
    expect(widgetText).toContain(
      '[for q in var.failure_queue_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]',
    );
    const env = await terraformDir('environments/example');
    const call = moduleCall(env, 'observability');
    // Duration, errors and throttles (charted and alarmed) of every function.
    expect(call.function_names).toEqual([
      expr('module.api_function.function_name'),
      expr('module.writer_function.function_name'),
      expr('module.stream_function.function_name'),
    ]);
    expect(call.stream_function_names).toEqual([expr('module.stream_function.function_name')]);
    expect(call.failure_queue_names).toEqual([expr('module.stream.failure_queue_name')]);
  });

  it('alarms when the stream falls behind, when a batch is given up on and when a write cannot maintain the cache', () => {
    expect(alarms).toContain(`"${expr('f')}-iterator-age" = {`);
    expect(alarms).toMatch(
      /namespace\s+= "AWS\/Lambda", metric = "IteratorAge", dimensions = tomap\(\{ FunctionName = f \}\)\s+statistic\s+= "Maximum", extended = null, comparison = "GreaterThanThreshold", threshold = var\.stream_iterator_age_alarm_ms/,
    );
    expect(alarms).toContain('for f in var.stream_function_names');
    expect(observability.variables.get('stream_iterator_age_alarm_ms')?.default).toBe(60000);

    const body = alarmBody(alarms, 'cache-maintenance-errors');
    expect(body).toContain(
      `namespace   = var.metrics_namespace, metric = "${METRIC.cacheMaintenanceErrors}", dimensions = tomap({ service = var.service_name })`,
    );
    expect(body).toContain(
      'statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0',
    );

    // Any message in the on-failure queue; SQS publishes nothing for a queue idle six hours, even a
    // non-empty one, so missing data must not clear the alarm.
    const queue = resource(observability, 'aws_cloudwatch_metric_alarm', 'failure_queue');
    expect(queue).toMatchObject({
      for_each: expr('toset(var.failure_queue_names)'),
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: expr('each.value') },
      statistic: 'Maximum',
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0,
      evaluation_periods: 1,
      datapoints_to_alarm: 1,
      treat_missing_data: 'ignore',
      alarm_actions: expr('local.alarm_actions'),
      ok_actions: expr('local.alarm_actions'),
    });
  });
});
