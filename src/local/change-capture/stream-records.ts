import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import { sameItem } from './same-item.js';
import type { Image, ItemRef } from './written-items.js';

/** One item before and after a write (undefined: absent). */
export interface ItemChange extends ItemRef {
  readonly oldImage: Image | undefined;
  readonly newImage: Image | undefined;
}

export interface StreamRecordOptions {
  readonly region: string;
  readonly now?: () => number;
}

/** DynamoDB sequence numbers are 21 to 40 digits; starting at 10^20 keeps every one 21 digits, so they also sort as text. */
const FIRST_SEQUENCE_NUMBER = 10n ** 20n;
/** A local table belongs to no account; this is the placeholder account id AWS's own examples use. */
const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Turns changes into DynamoDB Streams records (NEW_AND_OLD_IMAGES) shaped as Lambda receives them,
 * numbered in the order they are made. A change that leaves the item as it was makes no record, as
 * in DynamoDB ("if you perform a PutItem or UpdateItem operation that does not change any data in an
 * item, DynamoDB Streams does not write a stream record for that operation").
 */
export function createStreamRecords(
  options: StreamRecordOptions,
): (change: ItemChange) => DynamoDBRecord | undefined {
  const { region, now = Date.now } = options;
  // A stream's label is the time it was enabled, as an ISO 8601 timestamp without the zone.
  const streamLabel = new Date(now()).toISOString().slice(0, -1);
  let sequence = FIRST_SEQUENCE_NUMBER;
  return (change) => {
    const { oldImage: OldImage, newImage: NewImage } = change;
    if (sameItem(OldImage, NewImage)) return undefined;
    const images = { Keys: change.key, ...(NewImage && { NewImage }), ...(OldImage && { OldImage }) };
    sequence += 1n;
    return {
      eventID: randomUUID().replaceAll('-', ''),
      eventName: OldImage === undefined ? 'INSERT' : NewImage === undefined ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(now() / 1000),
        ...images,
        SequenceNumber: String(sequence),
        // The record's images as they travel, the local stand-in for AWS's own accounting.
        SizeBytes: Buffer.byteLength(JSON.stringify(images)),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT_ID}:table/${change.tableName}/stream/${streamLabel}`,
    };
  };
}
