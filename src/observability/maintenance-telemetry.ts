import type { MaintenanceResult } from '../core/cache-maintenance.js';
import { METRIC } from './metric-names.js';
import { MetricUnit } from './metric-unit.js';
import type { Telemetry } from './telemetry.js';

const RESULT_METRIC: Record<MaintenanceResult, string> = {
  STORED: METRIC.cacheWriteThroughs,
  SUPERSEDED: METRIC.cacheWritesSuperseded,
  INVALIDATED: METRIC.cacheInvalidations,
};

/** What a write or a stream record did to the cache. */
export function recordMaintenance({ metrics }: Telemetry, result: MaintenanceResult): void {
  metrics.addMetric(RESULT_METRIC[result], MetricUnit.Count, 1);
}

/** The cache could not be brought in line with a change (the stream path converges it later). */
export function recordMaintenanceError({ metrics, logger }: Telemetry, id: string, error: unknown): void {
  metrics.addMetric(METRIC.cacheMaintenanceErrors, MetricUnit.Count, 1);
  logger.warn('Cache maintenance failed after a change', { productId: id, error: error as Error });
}
