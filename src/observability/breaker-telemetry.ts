import type { BreakerListener } from '../adapters/breaker/breaker-cache-store.js';
import { METRIC } from './metric-names.js';
import { MetricUnit } from './metric-unit.js';
import type { Telemetry } from './telemetry.js';

/** The Redis circuit breaker's state changes as logs and EMF metrics, and its refusals as a count. */
export function createBreakerTelemetry({ metrics, logger }: Telemetry): BreakerListener {
  return {
    onOpen: (cause) => {
      metrics.addMetric(METRIC.cacheBreakerOpened, MetricUnit.Count, 1);
      logger.warn('Cache circuit breaker open: reads bypass Redis until a probe succeeds', {
        error: cause as Error,
      });
    },
    onClose: () => {
      metrics.addMetric(METRIC.cacheBreakerClosed, MetricUnit.Count, 1);
      logger.info('Cache circuit breaker closed: Redis answers again');
    },
    onReject: () => metrics.addMetric(METRIC.cacheBreakerRejections, MetricUnit.Count, 1),
  };
}
