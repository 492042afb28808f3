import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Config } from '../config/config.js';

/** One Powertools logger and metrics buffer per process; both write JSON to stdout, as on Lambda. */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Writes the metrics buffered since the last flush as one EMF document; call once per request. */
  flushMetrics(): void;
}

export function createTelemetry(observability: Config['observability']): Telemetry {
  const logger = new Logger({ serviceName: observability.serviceName, logLevel: observability.logLevel });
  const metrics = new Metrics({
    namespace: observability.metricsNamespace,
    serviceName: observability.serviceName,
  });
  return {
    logger,
    metrics,
    flushMetrics: () => {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
