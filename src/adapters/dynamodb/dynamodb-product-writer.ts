import {
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
import { isTombstone, TOMBSTONE_ATTRIBUTE, tombstone } from './tombstone.js';

export interface DynamoDbProductWriterOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock?: Clock;
  /** How many read-compute-write rounds a write tries before giving up under contention. */
  readonly maxAttempts?: number;
  /** Returns a number in [0, 1), for the jitter between rounds. */
  readonly random?: () => number;
}

/** Each lost round means another writer committed, so N concurrent writers all finish within N rounds. */
const DEFAULT_MAX_ATTEMPTS = 8;
/** A lost round waits a random pause up to this, doubling, so contending writers spread out. */
const FIRST_BACKOFF_CAP_MS = 4;
const MAX_BACKOFF_CAP_MS = 64;

/** The table's partition key, which StoredProduct names. */
const KEY = 'productId';

/**
 * The item as a write found it: absent, or present with its raw `version` attribute (maybe absent), and
 * whether it is a tombstone (a deleted product, which reads as absent but keeps its version).
 */
type Current =
  | { readonly exists: false }
  | { readonly exists: true; readonly version: unknown; readonly tombstone: boolean };

/** The product's version if it exists (tombstones do not), for the client's preconditions. */
function liveVersion(current: Current): number | null {
  return current.exists && !current.tombstone ? versionOf(current.version) : null;
}

/** The version the next write must exceed: the item's, tombstone or not. */
function lastVersion(current: Current): number {
  return current.exists ? versionOf(current.version) : 0;
}

/**
 * Versioned conditional writes (DESIGN.md section 5, invariant 5). A write reads the current version with
 * a consistent GetItem, computes `max(previous + 1, now)` and writes on condition that the item is still
 * as it read it, so of two concurrent writers exactly one wins each round; the loser waits a jittered
 * pause, re-reads and tries again while the client's preconditions still hold. A DELETE writes a
 * tombstone (tombstone.ts) with its own version, so a re-created item outranks its deleted self even when
 * versions ran ahead of the clock or a create's read saw the item absent before it was created and
 * deleted again.
 */
export class DynamoDbProductWriter implements ProductWriter {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #clock: Clock;
  readonly #maxAttempts: number;
  readonly #random: () => number;

  constructor(options: DynamoDbProductWriterOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#clock = options.clock ?? systemClock;
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.#random = options.random ?? Math.random;
  }

  async put(
    id: string,
    attributes: ProductAttributes,
    preconditions: WritePreconditions,
  ): Promise<PutResult> {
    return this.#contend(id, async (current) => {
      if (!preconditionsHold(preconditions, liveVersion(current))) return { status: 'precondition-failed' };
      const product: StoredProduct = { ...attributes, productId: id, version: this.#nextVersion(current) };
      if (!(await this.#putIfUnchanged(product, current))) return undefined;
      return { status: liveVersion(current) === null ? 'created' : 'replaced', product };
    });
  }

  async delete(id: string, { ifMatch }: Pick<WritePreconditions, 'ifMatch'>): Promise<DeleteResult> {
    return this.#contend(id, async (current) => {
      const live = liveVersion(current);
      if (live === null) return { status: ifMatch === undefined ? 'not-found' : 'precondition-failed' };
      if (!preconditionsHold({ ifMatch }, live)) return { status: 'precondition-failed' };
      const version = this.#nextVersion(current);
      const gone = tombstone(KEY, id, version, this.#clock.now());
      if (!(await this.#putIfUnchanged(gone, current))) return undefined;
      return { status: 'deleted', version };
    });
  }

  /** Runs read-decide-write rounds until `round` answers (undefined: another writer came first). */
  async #contend<R>(id: string, round: (current: Current) => Promise<R | undefined>): Promise<R> {
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      const result = await round(await this.#readCurrent(id));
      if (result !== undefined) return result;
      const capMs = Math.min(FIRST_BACKOFF_CAP_MS * 2 ** (attempt - 1), MAX_BACKOFF_CAP_MS);
      await this.#clock.sleep(Math.round(this.#random() * capMs));
    }
    throw new SourceError(
      'SOURCE_UNAVAILABLE',
      `DynamoDB write of ${id} lost to concurrent writers ${this.#maxAttempts} times in a row`,
    );
  }

  #nextVersion(current: Current): number {
    return Math.max(lastVersion(current) + 1, this.#clock.now());
  }

  async #readCurrent(id: string): Promise<Current> {
    try {
      const output = await this.#client.send(
        new GetCommand({
          TableName: this.#tableName,
          Key: { [KEY]: id },
          ConsistentRead: true,
          ProjectionExpression: '#key, #version, #deleted',
          ExpressionAttributeNames: { '#key': KEY, '#version': 'version', '#deleted': TOMBSTONE_ATTRIBUTE },
        }),
      );
      const item = output.Item;
      return item ? { exists: true, version: item.version, tombstone: isTombstone(item) } : { exists: false };
    } catch (error) {
      throw toSourceError(error);
    }
  }

  /** Writes the item only if it is still as `current` found it; false when another write came first. */
  async #putIfUnchanged(item: Record<string, unknown>, current: Current): Promise<boolean> {
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
      await this.#client.send(new PutCommand({ TableName: this.#tableName, Item: item, ...condition }));
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
