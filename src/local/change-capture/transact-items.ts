import type { AttributeValue } from 'aws-lambda';
import type { Refusal } from './wire-answers.js';
import { type Image, type ItemRef, itemId } from './written-items.js';

export type ActionKind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';

/** One entry of TransactItems. */
export interface TransactAction {
  readonly kind: ActionKind;
  readonly item: ItemRef;
  /** The action's own parameters as the client sent them (TableName, Item or Key, expressions…). */
  readonly input: Readonly<Record<string, unknown>>;
}

export type TransactRequest =
  | {
      readonly ok: true;
      readonly actions: readonly TransactAction[];
      readonly returnConsumedCapacity: boolean;
    }
  | { readonly ok: false; readonly refusal: Refusal };

type KeyNamesOf = (tableName: string) => Promise<readonly string[] | undefined>;

const KINDS: readonly ActionKind[] = ['Put', 'Update', 'Delete', 'ConditionCheck'];
const MAX_ACTIONS = 100;
/** The parameter each kind cannot do without, besides TableName and its Item or Key. */
const REQUIRED_EXPRESSION: Partial<Record<ActionKind, string>> = {
  Update: 'UpdateExpression',
  ConditionCheck: 'ConditionExpression',
};

/**
 * A TransactWriteItems request read and checked as DynamoDB checks it before running anything:
 * 1 to 100 actions, one kind each, known tables, whole keys, and no two actions on one item.
 */
export async function readTransactRequest(
  request: unknown,
  keyNamesOf: KeyNamesOf,
): Promise<TransactRequest> {
  const entries = isObject(request) ? request.TransactItems : undefined;
  if (!Array.isArray(entries)) return invalid(notNull('transactItems'));
  if (entries.length < 1 || entries.length > MAX_ACTIONS) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ACTIONS}`;
    return invalid(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  const actions: TransactAction[] = [];
  for (const [index, entry] of entries.entries()) {
    const kinds = isObject(entry) ? KINDS.filter((kind) => entry[kind] !== undefined) : [];
    const kind = kinds[0];
    if (kinds.length !== 1 || kind === undefined || !isObject(entry)) {
      return invalid('TransactItems can only contain one of Check, Put, Update or Delete');
    }
    const input = entry[kind];
    const path = `transactItems.${index + 1}.member.${lowerFirst(kind)}`;
    if (!isObject(input)) return invalid(notNull(path));
    const keySource = kind === 'Put' ? 'Item' : 'Key';
    const expression = REQUIRED_EXPRESSION[kind];
    for (const name of ['TableName', keySource, ...(expression ? [expression] : [])]) {
      if (input[name] === undefined) return invalid(notNull(`${path}.${lowerFirst(name)}`));
    }
    const { TableName: tableName } = input;
    const attributes = input[keySource];
    if (typeof tableName !== 'string' || !isObject(attributes)) return invalid('Invalid TransactItems');
    const keyNames = await keyNamesOf(tableName);
    if (!keyNames) return refused('ResourceNotFoundException', 'Requested resource not found');
    const key: Image = {};
    for (const name of keyNames) {
      const value = attributes[name];
      if (!isObject(value)) return invalid('The provided key element does not match the schema');
      key[name] = value as AttributeValue;
    }
    actions.push({ kind, item: { tableName, keyNames, key }, input });
  }
  if (new Set(actions.map((action) => itemId(action.item))).size < actions.length) {
    return invalid('Transaction request cannot include multiple operations on one item');
  }
  const capacity = isObject(request) ? request.ReturnConsumedCapacity : undefined;
  return { ok: true, actions, returnConsumedCapacity: capacity === 'TOTAL' || capacity === 'INDEXES' };
}

function refused(type: Refusal['type'], message: string): TransactRequest {
  return { ok: false, refusal: { type, message } };
}

function invalid(message: string): TransactRequest {
  return refused('ValidationException', message);
}

function notNull(path: string): string {
  return `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
