import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LoadOptions, Source, SourceRecord } from '../../core/source.js';
import { toJsonSafe } from './json-safe-values.js';
import { toSourceError } from './to-source-error.js';
import { isTombstone } from './tombstone.js';

export interface DynamoDbSourceOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly keyName: string;
  /** Called with the read capacity units each request consumed, for the read-units metric. */
  readonly onReadUnits?: (units: number) => void;
}

/**
 * Items are loaded with GetItem; an item's `version` attribute is its version (0 when absent or not a
 * whole, non-negative number: an item written by someone who does not version it).
 */
export class DynamoDbSource<T> implements Source<T> {
  readonly #options: DynamoDbSourceOptions;

  constructor(options: DynamoDbSourceOptions) {
    this.#options = options;
  }

  async load(id: string, { consistent }: LoadOptions): Promise<SourceRecord<T> | null> {
    const { client, tableName, keyName, onReadUnits } = this.#options;
    try {
      const output = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { [keyName]: id },
          ConsistentRead: consistent,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      const units = output.ConsumedCapacity?.CapacityUnits;
      if (units !== undefined) onReadUnits?.(units);
      if (!output.Item || isTombstone(output.Item)) return null;
      return { value: toJsonSafe(output.Item) as T, version: versionOf(output.Item.version) };
    } catch (error) {
      throw toSourceError(error);
    }
  }
}

/**
 * An item's version from its `version` attribute: 0 when absent or not a whole, non-negative safe
 * number (an item written by someone who does not version it). The stream handler reads images by it too.
 */
export function versionOf(attribute: unknown): number {
  return typeof attribute === 'number' && Number.isSafeInteger(attribute) && attribute >= 0 ? attribute : 0;
}
