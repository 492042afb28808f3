import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStreamDelivery, type StreamDelivery } from '../../src/local/change-capture/stream-delivery.js';

let sequence = 100_000_000_000_000_000_000n;
function recordOf(id: string): DynamoDBRecord {
  sequence += 1n;
  return {
    eventName: 'MODIFY',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/Products/stream/2026-01-01T00:00:00.000',
    dynamodb: { Keys: { productId: { S: id } }, SequenceNumber: String(sequence) },
  };
}
const sequenceNumbers = (records: readonly DynamoDBRecord[]) =>
  records.map((r) => r.dynamodb?.SequenceNumber);
const ok: DynamoDBBatchResponse = { batchItemFailures: [] };

/** Events as the handler saw them; `answer` decides each answer (by call number). */
function recordingHandler(
  answer: (event: DynamoDBStreamEvent, call: number) => Promise<DynamoDBBatchResponse>,
) {
  const events: DynamoDBRecord[][] = [];
  const handle = async (event: DynamoDBStreamEvent) => {
    events.push([...event.Records]);
    return answer(event, events.length);
  };
  return { events, handle };
}

const logger = { warn: vi.fn(), error: vi.fn() };
const FAST = { firstBackoffMs: 1, maxBackoffMs: 4 };

describe('stream delivery (what the event source mapping does)', () => {
  let delivery: StreamDelivery | undefined;
  afterEach(async () => {
    await delivery?.stop();
    logger.warn.mockClear();
    logger.error.mockClear();
  });

  it('delivers every record once, each item in order, batching what arrives while a batch runs', async () => {
    let release = () => {};
    const firstCallHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { events, handle } = recordingHandler(async (_event, call) => {
      if (call === 1) await firstCallHeld;
      return ok;
    });
    delivery = createStreamDelivery({ handle, logger, lanes: 1, ...FAST });
    const published = Array.from({ length: 7 }, (_, i) => recordOf(`id-${i % 3}`));
    delivery.publish(published.slice(0, 1));
    delivery.publish(published.slice(1, 4));
    delivery.publish(published.slice(4));
    release();
    await vi.waitFor(() => expect(events.flat()).toHaveLength(7));
    expect(events.map((event) => event.length)).toEqual([1, 6]);
    expect(sequenceNumbers(events.flat())).toEqual(sequenceNumbers(published));
  });

  it('keeps each item in order across lanes, with other items running beside it', async () => {
    const { events, handle } = recordingHandler(async () => ok);
    delivery = createStreamDelivery({ handle, logger, lanes: 4, batchSize: 3, ...FAST });
    const published = Array.from({ length: 60 }, (_, i) => recordOf(`id-${i % 10}`));
    for (const record of published) delivery.publish([record]);
    await vi.waitFor(() => expect(events.flat()).toHaveLength(60));
    const ofItem = (records: readonly DynamoDBRecord[], id: string) =>
      sequenceNumbers(records.filter((r) => r.dynamodb?.Keys?.productId?.S === id));
    for (let i = 0; i < 10; i++)
      expect(ofItem(events.flat(), `id-${i}`)).toEqual(ofItem(published, `id-${i}`));
    expect(Math.max(...events.map((event) => event.length))).toBeLessThanOrEqual(3);
  });

  it('retries a batch from the first reported failure on, as Lambda does with ReportBatchItemFailures', async () => {
    const published = Array.from({ length: 5 }, (_, i) => recordOf(`id-${i}`));
    const { events, handle } = recordingHandler(async (event, call) => ({
      batchItemFailures:
        call === 1
          ? [3, 2].map((i) => ({ itemIdentifier: event.Records[i]?.dynamodb?.SequenceNumber ?? '' }))
          : [],
    }));
    delivery = createStreamDelivery({ handle, logger, lanes: 1, ...FAST });
    delivery.publish(published);
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(sequenceNumbers(events[1] ?? [])).toEqual(sequenceNumbers(published.slice(2)));
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('retries the whole batch when the handler throws or names a record the batch does not hold', async () => {
    const published = [recordOf('a'), recordOf('b')];
    const { events, handle } = recordingHandler(async (_event, call) => {
      if (call === 1) throw new Error('Redis went away');
      return call === 2 ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] } : ok;
    });
    delivery = createStreamDelivery({ handle, logger, lanes: 1, ...FAST });
    delivery.publish(published);
    await vi.waitFor(() => expect(events).toHaveLength(3));
    for (const event of events) expect(sequenceNumbers(event)).toEqual(sequenceNumbers(published));
  });

  it('after the last attempt logs the records it skips and goes on with the next ones', async () => {
    const poisoned = recordOf('poison');
    const { events, handle } = recordingHandler(async (event) => ({
      batchItemFailures: event.Records.filter((r) => r === poisoned).map((r) => ({
        itemIdentifier: r.dynamodb?.SequenceNumber ?? '',
      })),
    }));
    delivery = createStreamDelivery({ handle, logger, lanes: 1, maxAttempts: 3, ...FAST });
    delivery.publish([poisoned]);
    await vi.waitFor(() => expect(logger.error).toHaveBeenCalledTimes(1));
    const next = recordOf('fine');
    delivery.publish([next]);
    await vi.waitFor(() => expect(events.at(-1)).toEqual([next]));
    expect(events.slice(0, 3)).toEqual([[poisoned], [poisoned], [poisoned]]);
    expect(logger.error).toHaveBeenCalledWith(
      'Stream records skipped: the handler kept failing',
      expect.objectContaining({
        attempt: 3,
        records: 1,
        firstSequenceNumber: poisoned.dynamodb?.SequenceNumber,
      }),
    );
  });

  it('stops without waiting out a backoff, and delivers nothing after', async () => {
    const { events, handle } = recordingHandler(async () => {
      throw new Error('down');
    });
    delivery = createStreamDelivery({ handle, logger, lanes: 1, firstBackoffMs: 60_000 });
    delivery.publish([recordOf('a')]);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    const started = Date.now();
    await delivery.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    delivery.publish([recordOf('b')]);
    expect(events).toHaveLength(1);
  });
});
