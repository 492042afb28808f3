import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { CacheMaintenance, MaintenanceResult } from '../core/cache-maintenance.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { Product } from '../products/product.js';
import { applyInKeyOrder, type KeyedStep } from './apply-in-key-order.js';
import { changeOfRecord } from './record-change.js';
import { productIdOfRecord } from './record-key.js';
import { logSkippedRecord, logStreamFailure, recordStreamBatch } from './stream-telemetry.js';

export interface StreamHandlerDependencies {
  readonly maintenance: CacheMaintenance<Product>;
  readonly telemetry: Telemetry;
  /** How many keys are applied at once; the records of one key always run one after another. */
  readonly keyConcurrency: number;
  /**
   * Records older than this (the policy's fence TTL) only invalidate: the fence their change raised
   * may be gone, and with the entry expired a write-through of a lagging record would put back an
   * older version than the table's until the next record of the key arrives.
   */
  readonly writeThroughMaxAgeMs: number;
  readonly clock?: Clock;
}

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * Applies a DynamoDB Streams batch to the cache (record-change.ts has the rule per record). With
 * ReportBatchItemFailures Lambda retries a batch from the lowest sequence number reported, so the
 * earliest failed record is reported: it and everything after it, of every key, is delivered again,
 * and applying a record twice is harmless (versions make write-throughs idempotent; an invalidation
 * costs one miss).
 */
export function createStreamHandler({
  maintenance,
  telemetry,
  keyConcurrency,
  writeThroughMaxAgeMs,
  clock = systemClock,
}: StreamHandlerDependencies): StreamHandler {
  return async ({ Records: records }) => {
    const results: MaintenanceResult[] = [];
    const steps: KeyedStep[] = [];
    for (const [position, record] of records.entries()) {
      const check = productIdOfRecord(record);
      if (!check.ok) {
        logSkippedRecord(telemetry, record, check.reason);
        continue;
      }
      const run = async () => {
        const { change, mode } = changeOfRecord(check.id, record);
        const lagging = recordAgeMs(record, clock.now()) > writeThroughMaxAgeMs;
        results.push(await maintenance.apply(change, lagging ? 'invalidate' : mode));
      };
      steps.push({ key: check.id, position, run });
    }
    let failures = 0;
    const failed = await applyInKeyOrder(steps, keyConcurrency, (step, error) => {
      failures++;
      logStreamFailure(telemetry, records[step.position] ?? {}, step.key, error);
    });
    recordStreamBatch(telemetry, { records: records.length, results, failures });
    if (failed === undefined) return { batchItemFailures: [] };
    // AWS always sends a sequence number; an empty identifier would make Lambda retry the whole batch.
    return { batchItemFailures: [{ itemIdentifier: records[failed]?.dynamodb?.SequenceNumber ?? '' }] };
  };
}

/** How long ago the change was made (Streams gives whole seconds); 0 when the record does not say. */
function recordAgeMs(record: DynamoDBRecord, nowMs: number): number {
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  return seconds === undefined ? 0 : nowMs - seconds * 1000;
}
