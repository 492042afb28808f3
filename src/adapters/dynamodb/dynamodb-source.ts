import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Source, SourceRecord } from '../../core/source.js';
import { toSourceError } from './to-source-error.js';

export interface DynamoDbSourceOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly keyName: string;
  /** Called with the read capacity units each request consumed, for the read-units metric. */
  readonly onReadUnits?: (units: number) => void;
}

/** Items are loaded with GetItem; an item's `version` attribute (0 when absent) is its version. */
export class DynamoDbSource<T> implements Source<T> {
  readonly #options: DynamoDbSourceOptions;

  constructor(options: DynamoDbSourceOptions) {
    this.#options = options;
  }

  async load(id: string): Promise<SourceRecord<T> | null> {
    const { client, tableName, keyName, onReadUnits } = this.#options;
    try {
      const output = await client.send(
        new GetCommand({ TableName: tableName, Key: { [keyName]: id }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      const units = output.ConsumedCapacity?.CapacityUnits;
      if (units !== undefined) onReadUnits?.(units);
      if (!output.Item) return null;
      const version = typeof output.Item.version === 'number' ? output.Item.version : 0;
      return { value: output.Item as T, version };
    } catch (error) {
      throw toSourceError(error);
    }
  }
}
