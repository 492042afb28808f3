import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { CacheMaintenance, MaintenanceResult } from '../core/cache-maintenance.js';
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
        results.push(await maintenance.apply(change, mode));
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
