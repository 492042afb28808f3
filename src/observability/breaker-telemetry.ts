import type { BreakerListener } from '../adapters/breaker/breaker-cache-store.js';
import { METRIC } from './metric-names.js';
import { MetricUnit } from './metric-unit.js';
import type { Telemetry } from './telemetry.js';

/** On a cluster each master has its own circuit: the logs name it. */
function node(partition: string): { redisNode?: string } {
  return partition === '' ? {} : { redisNode: partition };
}

/** The Redis circuit breaker's state changes as logs and EMF metrics, and its refusals as a count. */
export function createBreakerTelemetry({ metrics, logger }: Telemetry): BreakerListener {
  return {
    onOpen: (cause, partition) => {
      metrics.addMetric(METRIC.cacheBreakerOpened, MetricUnit.Count, 1);
      logger.warn('Cache circuit breaker open: reads bypass Redis until a probe succeeds', {
        error: cause as Error,
        ...node(partition),
      });
    },
    onClose: (partition) => {
      metrics.addMetric(METRIC.cacheBreakerClosed, MetricUnit.Count, 1);
      logger.info('Cache circuit breaker closed: Redis answers again', node(partition));
    },
    onReject: () => metrics.addMetric(METRIC.cacheBreakerRejections, MetricUnit.Count, 1),
  };
}
