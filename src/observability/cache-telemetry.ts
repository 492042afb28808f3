import type { CacheEvent, CacheObserver, CacheOutcome } from '../core/cache-observer.js';
import { METRIC } from './metric-names.js';
import { MetricUnit } from './metric-unit.js';
import type { Telemetry } from './telemetry.js';

const OUTCOME_METRIC: Record<CacheOutcome, string> = {
  HIT: METRIC.cacheHits,
  MISS: METRIC.cacheMisses,
  STALE: METRIC.cacheStale,
  BYPASS: METRIC.cacheBypass,
};

const EVENT_METRIC: Record<CacheEvent, string> = {
  NEGATIVE_HIT: METRIC.negativeHits,
  LEASE_WAIT: METRIC.leaseWaits,
  LEASE_WAIT_TIMEOUT: METRIC.leaseWaitTimeouts,
  EARLY_REFRESH: METRIC.earlyRefreshes,
  CORRUPT_ENTRY: METRIC.corruptEntries,
  FILL_LEASE_LOST: METRIC.fillsLeaseLost,
  FILL_SUPERSEDED: METRIC.fillsSuperseded,
  REMEMBERED_FAILURE: METRIC.rememberedFailures,
};

/** Turns what the engine reports into EMF metrics and warning logs. */
export function createCacheTelemetry({ metrics, logger }: Telemetry): CacheObserver {
  return {
    onRead: (outcome) => metrics.addMetric(OUTCOME_METRIC[outcome], MetricUnit.Count, 1),
    onEvent: (event) => {
      metrics.addMetric(EVENT_METRIC[event], MetricUnit.Count, 1);
      // A foreign value under our keys means another writer shares the prefix: worth a look.
      if (event === 'CORRUPT_ENTRY')
        logger.warn('Unreadable cache entry; it will be replaced by the next fill');
    },
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
