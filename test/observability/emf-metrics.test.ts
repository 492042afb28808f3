import { describe, expect, it } from 'vitest';
import { EmfMetrics, MAX_VALUES_PER_METRIC } from '../../src/observability/emf-metrics.js';
import { MetricUnit } from '../../src/observability/metric-unit.js';
import { metricsDisabled } from '../../src/observability/metrics-disabled.js';

function recorder(disabled = false) {
  const documents: string[] = [];
  const metrics = new EmfMetrics({
    namespace: 'Aside',
    serviceName: 'aside',
    disabled,
    write: (document) => documents.push(document),
    now: () => 1_795_775_400_000,
  });
  return { metrics, documents, parsed: () => documents.map((line) => JSON.parse(line)) };
}

describe('EMF documents (CloudWatch embedded metric format)', () => {
  it('writes one line per flush: _aws.Timestamp, one directive with Namespace, Dimensions and Metrics, values at top level', () => {
    const { metrics, documents, parsed } = recorder();
    metrics.addMetric('CacheMisses', MetricUnit.Count, 1);
    metrics.addMetric('SourceLoadLatency', MetricUnit.Milliseconds, 12.5);
    metrics.publishStoredMetrics();
    expect(documents).toHaveLength(1);
    expect(documents[0]?.endsWith('}\n')).toBe(true);
    expect(documents[0]?.indexOf('\n')).toBe((documents[0]?.length ?? 0) - 1);
    expect(parsed()[0]).toEqual({
      _aws: {
        Timestamp: 1_795_775_400_000,
        CloudWatchMetrics: [
          {
            Namespace: 'Aside',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'CacheMisses', Unit: 'Count' },
              { Name: 'SourceLoadLatency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      service: 'aside',
      CacheMisses: 1,
      SourceLoadLatency: 12.5,
    });
  });

  it('sums a count recorded many times in one document, so 100 items of a batch read stay one document', () => {
    const { metrics, documents, parsed } = recorder();
    for (let i = 0; i < 250; i++) metrics.addMetric('CacheHits', MetricUnit.Count, 1);
    metrics.addMetric('DynamoDBReadUnits', MetricUnit.Count, 0.5);
    metrics.addMetric('DynamoDBReadUnits', MetricUnit.Count, 0.5);
    metrics.publishStoredMetrics();
    expect(documents).toHaveLength(1);
    expect(parsed()[0]).toMatchObject({ CacheHits: 250, DynamoDBReadUnits: 1 });
  });

  it('writes nothing when nothing was recorded, and starts afresh after a flush', () => {
    const { metrics, documents, parsed } = recorder();
    metrics.publishStoredMetrics();
    expect(documents).toHaveLength(0);
    metrics.addMetric('CacheHits', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    metrics.addMetric('CacheMisses', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    expect(parsed()[1]).not.toHaveProperty('CacheHits');
    expect(parsed()[1]._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'CacheMisses', Unit: 'Count' }]);
  });

  it('keeps every value of another unit, as an array', () => {
    const { metrics, parsed } = recorder();
    metrics.addMetric('SourceLoadLatency', MetricUnit.Milliseconds, 3);
    metrics.addMetric('SourceLoadLatency', MetricUnit.Milliseconds, 4);
    metrics.publishStoredMetrics();
    expect(parsed()[0]).toMatchObject({ SourceLoadLatency: [3, 4] });
  });

  it(`writes a document as soon as a metric holds ${MAX_VALUES_PER_METRIC} values, the most CloudWatch reads`, () => {
    const { metrics, parsed } = recorder();
    for (let i = 0; i < MAX_VALUES_PER_METRIC + 1; i++)
      metrics.addMetric('SourceLoadLatency', MetricUnit.Milliseconds, i);
    expect(parsed()).toHaveLength(1);
    expect(parsed()[0].SourceLoadLatency).toHaveLength(MAX_VALUES_PER_METRIC);
    metrics.publishStoredMetrics();
    expect(parsed()[1]).toMatchObject({ SourceLoadLatency: MAX_VALUES_PER_METRIC });
  });

  it('drops a value that is not a finite number, and refuses a name the document uses itself', () => {
    const { metrics, documents } = recorder();
    metrics.addMetric('SourceLoadLatency', MetricUnit.Milliseconds, Number.NaN);
    expect(metrics.hasStoredMetrics()).toBe(false);
    metrics.addMetric('service', MetricUnit.Count, 1);
    expect(() => metrics.publishStoredMetrics()).toThrow(RangeError);
    expect(documents).toHaveLength(0);
  });

  it('writes nothing when disabled, as Powertools reads POWERTOOLS_METRICS_DISABLED and POWERTOOLS_DEV', () => {
    const { metrics, documents } = recorder(true);
    metrics.addMetric('CacheHits', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    expect(documents).toHaveLength(0);
    expect(metricsDisabled({ POWERTOOLS_METRICS_DISABLED: 'true' })).toBe(true);
    expect(metricsDisabled({ POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_DEV: 'true' })).toBe(false);
    expect(metricsDisabled({ POWERTOOLS_DEV: '1' })).toBe(true);
    expect(metricsDisabled({})).toBe(false);
  });
});
