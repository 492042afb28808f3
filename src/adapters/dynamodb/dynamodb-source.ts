import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchLoad, BatchSource, LoadOptions, SourceRecord } from '../../core/source.js';
import { SourceError } from '../../core/source-error.js';
import { toJsonSafe } from './json-safe-values.js';
import { retryBackoffMs } from './retry-budget.js';
import { toSourceError } from './to-source-error.js';
import { isTombstone } from './tombstone.js';

export interface DynamoDbSourceOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly keyName: string;
  /** Called with the read capacity units each request consumed, for the read-units metric. */
  readonly onReadUnits?: (units: number) => void;
  /** BatchGetItem requests per batch read while DynamoDB leaves keys unprocessed (DYNAMODB_MAX_ATTEMPTS). */
  readonly maxAttempts?: number;
  /** Waits out the backoff between those requests; a test may skip the wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Item = Record<string, unknown>;

/** The SDK's default: a failed request is attempted 3 times in all. */
const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Items are loaded with GetItem, batches with BatchGetItem; an item's `version` attribute is its version
 * (0 when absent or not a whole, non-negative number: an item written by someone who does not version it).
 * A tombstone (tombstone.ts) reads as "not found".
 */
export class DynamoDbSource<T> implements BatchSource<T> {
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
      return recordOf<T>(output.Item);
    } catch (error) {
      throw toSourceError(error);
    }
  }

  /**
   * One BatchGetItem (at most 100 keys, DynamoDB's limit). Keys DynamoDB leaves unprocessed (throttling,
   * or the 16 MB answer limit) are asked for again after a jittered, doubling pause, up to `maxAttempts`
   * requests in all; those still unread then are `failed`. A request that fails outright (after the
   * SDK's own retries) rejects if it was the first, else fails the keys it was for.
   */
  async loadMany(ids: readonly string[], { consistent }: LoadOptions): Promise<BatchLoad<T>> {
    const { client, tableName, keyName, onReadUnits } = this.#options;
    const maxAttempts = this.#options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const sleep = this.#options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const records = new Map<string, SourceRecord<T> | null>();
    let pending: Item[] = [...new Set(ids)].map((id) => ({ [keyName]: id }));
    let failure: SourceError | undefined;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(retryBackoffMs(attempt - 1));
      try {
        const output = await client.send(
          new BatchGetCommand({
            RequestItems: { [tableName]: { Keys: pending, ConsistentRead: consistent } },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        const units = output.ConsumedCapacity?.reduce((sum, table) => sum + (table.CapacityUnits ?? 0), 0);
        if (units !== undefined) onReadUnits?.(units);
        for (const item of output.Responses?.[tableName] ?? [])
          records.set(String(item[keyName]), recordOf<T>(item));
        pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
      } catch (error) {
        if (attempt === 1) throw toSourceError(error);
        failure = toSourceError(error);
        break;
      }
      if (pending.length > 0 && attempt >= maxAttempts) {
        failure = new SourceError(
          'SOURCE_THROTTLED',
          `DynamoDB left ${pending.length} keys unread after ${attempt} BatchGetItem requests`,
        );
        break;
      }
    }
    const failed = new Map<string, SourceError>();
    if (failure) for (const key of pending) failed.set(String(key[keyName]), failure);
    // Asked for, answered, and not returned: no item has this id.
    for (const id of ids) if (!records.has(id) && !failed.has(id)) records.set(id, null);
    return { records, failed };
  }
}

function recordOf<T>(item: Item | undefined): SourceRecord<T> | null {
  if (!item || isTombstone(item)) return null;
  return { value: toJsonSafe(item) as T, version: versionOf(item.version) };
}

/**
 * An item's version from its `version` attribute: 0 when absent or not a whole, non-negative safe
 * number (an item written by someone who does not version it). The stream handler reads images by it too.
 */
export function versionOf(attribute: unknown): number {
  return typeof attribute === 'number' && Number.isSafeInteger(attribute) && attribute >= 0 ? attribute : 0;
}
