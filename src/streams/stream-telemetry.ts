import type { DynamoDBRecord } from 'aws-lambda';
import type { MaintenanceResult } from '../core/cache-maintenance.js';
import { CacheStoreError } from '../core/cache-store-error.js';
import { METRIC } from '../observability/metric-names.js';
import { MetricUnit } from '../observability/metric-unit.js';
import type { Telemetry } from '../observability/telemetry.js';

/** What one batch did. */
export interface StreamBatchOutcome {
  readonly records: number;
  readonly results: readonly MaintenanceResult[];
  readonly failures: number;
}

const RESULT_METRIC: Record<MaintenanceResult, string> = {
  STORED: METRIC.cacheWriteThroughs,
  SUPERSEDED: METRIC.cacheWritesSuperseded,
  INVALIDATED: METRIC.cacheInvalidations,
};

/**
 * Each metric once, as the batch's total: the EMF writer keeps repeated values of a metric as an array and
 * publishes early at 100 of them, which would split a large batch's invocation into several documents.
 */
export function recordStreamBatch(
  { metrics }: Telemetry,
  { records, results, failures }: StreamBatchOutcome,
) {
  metrics.addMetric(METRIC.streamRecords, MetricUnit.Count, records);
  const totals = new Map<string, number>();
  for (const result of results)
    totals.set(RESULT_METRIC[result], (totals.get(RESULT_METRIC[result]) ?? 0) + 1);
  if (failures > 0) {
    totals.set(METRIC.streamRecordFailures, failures);
    totals.set(METRIC.cacheMaintenanceErrors, failures);
  }
  for (const [name, total] of totals) metrics.addMetric(name, MetricUnit.Count, total);
}

/** A record that could not be applied: Lambda delivers it again. Only a store failure is expected. */
export function logStreamFailure({ logger }: Telemetry, record: DynamoDBRecord, id: string, error: unknown) {
  const details = { productId: id, sequenceNumber: record.dynamodb?.SequenceNumber, error: error as Error };
  if (error instanceof CacheStoreError) logger.warn('Stream record not applied: the cache failed', details);
  else logger.error('Stream record not applied', details);
}

/** Retrying could never help such a record (it would hold the shard), so it is logged and passed over. */
export function logSkippedRecord({ logger }: Telemetry, record: DynamoDBRecord, reason: string): void {
  logger.warn('Stream record skipped: its key cannot name a cache entry', {
    reason,
    eventID: record.eventID,
    sequenceNumber: record.dynamodb?.SequenceNumber,
  });
}
