import { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config/config.js';
import { EmfMetrics } from './emf-metrics.js';
import { metricsDisabled } from './metrics-disabled.js';

/**
 * How metrics leave the process. `per-request` (Lambda): one EMF document per invocation, written when it
 * ends. `aggregated` (a long-running server): counts summed and written every `intervalMs`, and on close.
 */
export type MetricsFlush =
  | { readonly kind: 'per-request' }
  | { readonly kind: 'aggregated'; readonly intervalMs: number };

/** One Powertools logger and one EMF metrics buffer per process; both write JSON to stdout, as on Lambda. */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: EmfMetrics;
  /** Call when a request (an invocation) ends: per request, writes its metrics as one EMF document. */
  flushMetrics(): void;
  /** Writes what is left and stops the periodic flush. */
  close(): void;
}

export function createTelemetry(
  observability: Config['observability'],
  flush: MetricsFlush = { kind: 'per-request' },
): Telemetry {
  const logger = new Logger({ serviceName: observability.serviceName, logLevel: observability.logLevel });
  const metrics = new EmfMetrics({
    namespace: observability.metricsNamespace,
    serviceName: observability.serviceName,
    disabled: metricsDisabled(),
  });
  if (flush.kind === 'per-request') {
    return { logger, metrics, flushMetrics: () => metrics.publishStoredMetrics(), close: () => undefined };
  }
  // Unref'd: a pending flush never keeps the process alive; close() writes the remainder.
  const timer = setInterval(() => metrics.publishStoredMetrics(), flush.intervalMs).unref();
  return {
    logger,
    metrics,
    flushMetrics: () => undefined,
    close: () => {
      clearInterval(timer);
      metrics.publishStoredMetrics();
    },
  };
}
