import type { AttributeValue } from 'aws-lambda';

/** An item or key in DynamoDB's wire JSON, the form stream records carry. */
export type Image = Record<string, AttributeValue>;

/** One item a write may change: its table and its key attributes, in the table's key order. */
export interface ItemRef {
  readonly tableName: string;
  readonly keyNames: readonly string[];
  readonly key: Image;
}

type KeyNamesOf = (tableName: string) => Promise<readonly string[] | undefined>;

interface NamedItem {
  readonly tableName: unknown;
  /** The whole item (a put) or just its key (the rest). */
  readonly attributes: unknown;
}

/**
 * The items a write request names, each once; undefined when the request is not one this can read
 * (an unknown table, a missing key attribute, malformed JSON): dynalite then refuses it too.
 */
export async function itemsWrittenBy(
  operation: string,
  request: unknown,
  keyNamesOf: KeyNamesOf,
): Promise<ItemRef[] | undefined> {
  const named = namedItems(operation, request);
  if (!named) return undefined;
  const refs = new Map<string, ItemRef>();
  for (const { tableName, attributes } of named) {
    if (typeof tableName !== 'string' || !isObject(attributes)) return undefined;
    const keyNames = await keyNamesOf(tableName);
    if (!keyNames) return undefined;
    const key: Image = {};
    for (const name of keyNames) {
      const value = attributes[name];
      if (!isObject(value)) return undefined;
      key[name] = value as AttributeValue;
    }
    const ref = { tableName, keyNames, key };
    refs.set(itemId(ref), ref);
  }
  return [...refs.values()];
}

/** One string per item, equal for the same table and key however the request spelled it. */
export function itemId(ref: ItemRef): string {
  return JSON.stringify([ref.tableName, ...ref.keyNames.map((name) => ref.key[name])]);
}

function namedItems(operation: string, request: unknown): NamedItem[] | undefined {
  switch (operation) {
    case 'PutItem':
      return [{ tableName: field(request, 'TableName'), attributes: field(request, 'Item') }];
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ tableName: field(request, 'TableName'), attributes: field(request, 'Key') }];
    case 'BatchWriteItem':
      return Object.entries(asObject(field(request, 'RequestItems'))).flatMap(([tableName, writes]) =>
        asArray(writes).map((write) => ({
          tableName,
          attributes:
            field(field(write, 'PutRequest'), 'Item') ?? field(field(write, 'DeleteRequest'), 'Key'),
        })),
      );
    case 'TransactWriteItems':
      return asArray(field(request, 'TransactItems')).map((entry) => {
        const action =
          field(entry, 'Put') ??
          field(entry, 'Update') ??
          field(entry, 'Delete') ??
          field(entry, 'ConditionCheck');
        return {
          tableName: field(action, 'TableName'),
          attributes: field(action, 'Item') ?? field(action, 'Key'),
        };
      });
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, name: string): unknown {
  return isObject(value) ? value[name] : undefined;
}

function asObject(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
