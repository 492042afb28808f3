import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from 'aws-lambda';
import { versionOf } from '../adapters/dynamodb/dynamodb-source.js';
import { numberFromText, toJsonSafe } from '../adapters/dynamodb/json-safe-values.js';

/** An item image of a stream record, in DynamoDB JSON as Lambda delivers it. */
export type StreamImage = Readonly<Record<string, AttributeValue>>;

/**
 * The item as the read path caches it (DynamoDbSource: numbers by `numberFromText`, then `toJsonSafe`),
 * so an entry written from a record and one filled from GetItem are the same JSON. Binary arrives as
 * base64 text, which unmarshall passes through: the shape `toJsonSafe` gives binary read by the SDK.
 */
export function itemFromImage(image: StreamImage): Record<string, unknown> {
  const item = unmarshall(image as Record<string, SdkAttributeValue>, { wrapNumbers: numberFromText });
  return toJsonSafe(item) as Record<string, unknown>;
}

/** The image's version by the read path's rule (0 when absent or not a whole, non-negative number). */
export function versionOfImage(image: StreamImage | undefined): number {
  const text = image?.version?.N;
  return text === undefined ? 0 : versionOf(numberFromText(text));
}
