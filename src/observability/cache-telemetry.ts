import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CacheObserver, CacheOutcome } from '../core/cache-observer.js';
import { METRIC } from './metric-names.js';
import type { Telemetry } from './telemetry.js';

const OUTCOME_METRIC: Record<CacheOutcome, string> = {
  HIT: METRIC.cacheHits,
  MISS: METRIC.cacheMisses,
  BYPASS: METRIC.cacheBypass,
};

/** Turns what the engine reports into EMF metrics and warning logs. */
export function createCacheTelemetry({ metrics, logger }: Telemetry): CacheObserver {
  return {
    onRead: (outcome) => metrics.addMetric(OUTCOME_METRIC[outcome], MetricUnit.Count, 1),
    onLoad: (durationMs) => metrics.addMetric(METRIC.sourceLoadMs, MetricUnit.Milliseconds, durationMs),
    onSourceError: () => metrics.addMetric(METRIC.sourceErrors, MetricUnit.Count, 1),
    onStoreError: (operation, error) => {
      metrics.addMetric(METRIC.cacheStoreErrors, MetricUnit.Count, 1);
      logger.warn('Cache store failed; serving from the source', { operation, error: error as Error });
    },
  };
}

export function recordReadUnits({ metrics }: Telemetry, units: number): void {
  metrics.addMetric(METRIC.readUnits, MetricUnit.Count, units);
}
