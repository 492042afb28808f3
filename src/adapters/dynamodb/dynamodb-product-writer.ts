import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../../core/clock.js';
import { SourceError } from '../../core/source-error.js';
import { InvalidProductError } from '../../products/invalid-product-error.js';
import type {
  DeleteResult,
  ProductAttributes,
  ProductWriter,
  PutResult,
  StoredProduct,
  WritePreconditions,
} from '../../products/product-writer.js';
import { preconditionsHold } from '../../products/write-preconditions.js';
import { versionOf } from './dynamodb-source.js';
import { toSourceError } from './to-source-error.js';

export interface DynamoDbProductWriterOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock?: Clock;
  /** How many read-compute-write rounds a PUT tries before giving up under contention. */
  readonly maxAttempts?: number;
}

/** Each lost round means another writer committed, so N concurrent writers all finish within N rounds. */
const DEFAULT_MAX_ATTEMPTS = 8;

/** The table's partition key, which StoredProduct names. */
const KEY = 'productId';

/** The item as a PUT found it: absent, or present with its raw `version` attribute (maybe absent). */
type Current = { readonly exists: false } | { readonly exists: true; readonly version: unknown };

/**
 * Versioned conditional writes (DESIGN.md section 5, invariant 5). A PUT reads the current version with
 * a consistent GetItem, computes `max(previous + 1, now)` and writes on condition that the version is
 * still the one it read, so of two concurrent writers exactly one wins each round; the loser re-reads
 * and tries again while the client's preconditions still hold. Because the version follows the clock,
 * a re-created item outranks its deleted self without a tombstone.
 */
export class DynamoDbProductWriter implements ProductWriter {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #clock: Clock;
  readonly #maxAttempts: number;

  constructor(options: DynamoDbProductWriterOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#clock = options.clock ?? systemClock;
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  async put(
    id: string,
    attributes: ProductAttributes,
    preconditions: WritePreconditions,
  ): Promise<PutResult> {
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      const current = await this.#readCurrent(id);
      const previous = current.exists ? versionOf(current.version) : null;
      if (!preconditionsHold(preconditions, previous)) return { status: 'precondition-failed' };
      const product: StoredProduct = {
        ...attributes,
        productId: id,
        version: Math.max((previous ?? 0) + 1, this.#clock.now()),
      };
      if (await this.#putIfUnchanged(product, current)) {
        return { status: current.exists ? 'replaced' : 'created', product };
      }
    }
    throw new SourceError(
      'SOURCE_UNAVAILABLE',
      `DynamoDB write of ${id} lost to concurrent writers ${this.#maxAttempts} times in a row`,
    );
  }

  async delete(id: string, { ifMatch }: Pick<WritePreconditions, 'ifMatch'>): Promise<DeleteResult> {
    const versions = ifMatch === undefined || ifMatch === '*' ? undefined : [...new Set(ifMatch)];
    if (versions?.length === 0) return { status: 'precondition-failed' };
    const values = Object.fromEntries((versions ?? []).map((version, i) => [`:v${i}`, version]));
    try {
      const output = await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { [KEY]: id },
          ConditionExpression: versions
            ? `#version IN (${Object.keys(values).join(', ')})`
            : 'attribute_exists(#key)',
          ExpressionAttributeNames: versions ? { '#version': 'version' } : { '#key': KEY },
          ExpressionAttributeValues: versions ? values : undefined,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { status: 'deleted', version: versionOf(output.Attributes?.version) };
    } catch (error) {
      // An absent item fails the condition too: with If-Match that is a 412, without it a 404.
      if (isConditionFailure(error))
        return { status: ifMatch === undefined ? 'not-found' : 'precondition-failed' };
      throw toSourceError(error, 'write');
    }
  }

  async #readCurrent(id: string): Promise<Current> {
    try {
      const output = await this.#client.send(
        new GetCommand({
          TableName: this.#tableName,
          Key: { [KEY]: id },
          ConsistentRead: true,
          ProjectionExpression: '#key, #version',
          ExpressionAttributeNames: { '#key': KEY, '#version': 'version' },
        }),
      );
      return output.Item ? { exists: true, version: output.Item.version } : { exists: false };
    } catch (error) {
      throw toSourceError(error);
    }
  }

  /** Writes the item only if it is still as `current` found it; false when another write came first. */
  async #putIfUnchanged(product: StoredProduct, current: Current): Promise<boolean> {
    const condition: Pick<
      PutCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    > = !current.exists
      ? { ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': KEY } }
      : current.version === undefined
        ? {
            ConditionExpression: 'attribute_exists(#key) AND attribute_not_exists(#version)',
            ExpressionAttributeNames: { '#key': KEY, '#version': 'version' },
          }
        : {
            ConditionExpression: '#version = :previous',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':previous': current.version },
          };
    try {
      await this.#client.send(new PutCommand({ TableName: this.#tableName, Item: product, ...condition }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      if (error instanceof Error && error.name === 'ValidationException') {
        throw new InvalidProductError(`DynamoDB refused the item: ${error.message}`, { cause: error });
      }
      throw toSourceError(error, 'write');
    }
  }
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
