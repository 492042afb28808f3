import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBRecord } from 'aws-lambda';
import type { DynaliteWire, WireAnswer } from './dynalite-wire.js';
import { KeyLocks } from './key-locks.js';
import type { KeySchemas } from './key-schemas.js';
import { readImage } from './read-image.js';
import type { ItemChange } from './stream-records.js';
import { type Image, type ItemRef, itemId, itemsWrittenBy } from './written-items.js';

/** Receives one table's records of one write, in order; per item, in the order of its writes. */
export type RecordsListener = (tableName: string, records: DynamoDBRecord[]) => void;

export interface WriteCaptureOptions {
  readonly dynalite: DynaliteWire;
  readonly keySchemas: KeySchemas;
  readonly toRecord: (change: ItemChange) => DynamoDBRecord | undefined;
  readonly onRecords: RecordsListener;
  readonly logger: Pick<Logger, 'error'>;
}

/** Makes the write (sends it on to dynalite, or emulates it there) and answers the client. */
export type WriteCapture = (
  operation: string,
  request: unknown,
  send: () => Promise<WireAnswer>,
) => Promise<WireAnswer>;

/**
 * Around each write: the items it names are locked (writes to one item pass one at a time, so the
 * images read around a write are that write's), read before, written, read after, and compared.
 * The records are handed on before the client's answer, so a write's records exist once it is acknowledged.
 */
export function createWriteCapture(options: WriteCaptureOptions): WriteCapture {
  const { dynalite, keySchemas, toRecord, onRecords, logger } = options;
  const locks = new KeyLocks();
  const readImages = (items: readonly ItemRef[]) =>
    Promise.all(items.map((item) => readImage(dynalite, item)));

  return async (operation, request, send) => {
    const items = await itemsWrittenBy(operation, request, keySchemas.keyNamesOf);
    if (!items) return send();
    return locks.run(items.map(itemId), async () => {
      const before = await readImages(items);
      const answer = await send();
      if (answer.status !== 200) return answer;
      let after: Array<Image | undefined>;
      try {
        after = await readImages(items);
      } catch (error) {
        // The write happened: the client still gets its answer, only its records are lost.
        logger.error('Change capture could not read the items after a write', {
          operation,
          error: error as Error,
        });
        return answer;
      }
      publish(items.map((item, index) => ({ ...item, oldImage: before[index], newImage: after[index] })));
      return answer;
    });
  };

  function publish(changes: readonly ItemChange[]) {
    const byTable = new Map<string, DynamoDBRecord[]>();
    for (const change of changes) {
      const record = toRecord(change);
      if (record) byTable.set(change.tableName, [...(byTable.get(change.tableName) ?? []), record]);
    }
    for (const [tableName, records] of byTable) onRecords(tableName, records);
  }
}
