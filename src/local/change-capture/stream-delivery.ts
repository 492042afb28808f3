import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface StreamDeliveryOptions {
  readonly handle: StreamHandler;
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  /** Like a stream's shards: each item's records go through one lane, in order; lanes run side by side. */
  readonly lanes?: number;
  /** Lambda's default batch size for DynamoDB Streams. */
  readonly batchSize?: number;
  /** Attempts per batch before its remaining records are given up, as Lambda's MaximumRetryAttempts. */
  readonly maxAttempts?: number;
  readonly firstBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface StreamDelivery {
  /** Queues records; each item's records must come in the order of its writes. */
  publish(records: readonly DynamoDBRecord[]): void;
  /** Stops delivering: waits for the batches in flight, drops what is queued. */
  stop(): Promise<void>;
}

interface Lane {
  readonly queue: DynamoDBRecord[];
  draining: Promise<void> | undefined;
}

/**
 * Hands records to the stream handler as Lambda's event source mapping does: in batches, in order per
 * item, retrying a failed batch from its first reported failure on (ReportBatchItemFailures), with a
 * bounded exponential backoff, and after the last attempt logging and skipping the records, as
 * Lambda does with bounded retries (the cache converges on the item's next write or expiry).
 */
export function createStreamDelivery(options: StreamDeliveryOptions): StreamDelivery {
  const {
    handle,
    logger,
    batchSize = 100,
    maxAttempts = 10,
    firstBackoffMs = 50,
    maxBackoffMs = 2_000,
  } = options;
  const lanes: Lane[] = Array.from({ length: options.lanes ?? 4 }, () => ({
    queue: [],
    draining: undefined,
  }));
  const stopping = new AbortController();

  const drain = async (lane: Lane) => {
    while (lane.queue.length > 0 && !stopping.signal.aborted) {
      await deliver(lane.queue.splice(0, batchSize));
    }
    lane.draining = undefined;
  };

  const deliver = async (batch: DynamoDBRecord[]) => {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      let failedFrom: number;
      let failure: unknown;
      try {
        failedFrom = firstFailure(pending, await handle({ Records: pending }));
      } catch (error) {
        failedFrom = 0;
        failure = error;
      }
      if (failedFrom < 0) return;
      pending = pending.slice(failedFrom);
      const detail = { attempt, records: pending.length, firstSequenceNumber: sequenceNumberOf(pending[0]) };
      if (attempt >= maxAttempts) {
        logger.error('Stream records skipped: the handler kept failing', {
          ...detail,
          error: failure as Error,
        });
        return;
      }
      logger.warn('Stream batch failed, retrying from the first failed record', {
        ...detail,
        error: failure as Error,
      });
      const backoffMs = Math.min(maxBackoffMs, firstBackoffMs * 2 ** (attempt - 1));
      const waited = await sleep(backoffMs, true, { signal: stopping.signal }).catch(() => false);
      if (!waited) return;
    }
  };

  return {
    publish(records) {
      for (const record of records) {
        const lane = lanes[laneOf(record, lanes.length)];
        lane?.queue.push(record);
      }
      for (const lane of lanes) {
        if (lane.queue.length > 0 && !lane.draining && !stopping.signal.aborted) lane.draining = drain(lane);
      }
    },
    async stop() {
      stopping.abort();
      await Promise.all(lanes.map((lane) => lane.draining));
      for (const lane of lanes) lane.queue.length = 0;
    },
  };
}

/**
 * Index of the first record to retry, or -1 when the batch succeeded. As in Lambda, the earliest
 * reported failure counts, and an identifier that names no record of the batch fails all of it.
 */
function firstFailure(batch: readonly DynamoDBRecord[], response: DynamoDBBatchResponse | undefined): number {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return -1;
  const indexes = failures.map((failure) =>
    batch.findIndex((record) => sequenceNumberOf(record) === failure.itemIdentifier),
  );
  return indexes.includes(-1) ? 0 : Math.min(...indexes);
}

function sequenceNumberOf(record: DynamoDBRecord | undefined): string | undefined {
  return record?.dynamodb?.SequenceNumber;
}

/** The same lane for every record of one item (its table and keys), spread evenly over the lanes. */
function laneOf(record: DynamoDBRecord, laneCount: number): number {
  const itemKey = `${record.eventSourceARN}${JSON.stringify(record.dynamodb?.Keys)}`;
  let hash = 0;
  for (let i = 0; i < itemKey.length; i++) hash = (Math.imul(hash, 31) + itemKey.charCodeAt(i)) | 0;
  return Math.abs(hash) % laneCount;
}
