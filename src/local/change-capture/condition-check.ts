import { DynaliteError, type DynaliteWire } from './dynalite-wire.js';
import type { TransactAction } from './transact-items.js';
import type { Image } from './written-items.js';

export interface ConditionOutcome {
  readonly holds: boolean;
  /** What dynalite counted for the check, when asked. */
  readonly capacityUnits: number;
}

/**
 * Whether an action's ConditionExpression holds for its item as it is (`oldImage`), changing nothing.
 * dynalite evaluates the condition in a write that cannot alter the item: an UpdateItem without
 * updates when the item exists (it keeps every attribute), a DeleteItem when it does not (there is
 * nothing to delete). Not the other way round: an UpdateItem would create a missing item, a
 * DeleteItem would remove an existing one. Only valid while no other write can touch the item.
 * Throws DynaliteError for anything but a failed condition (an invalid expression, say).
 */
export async function checkCondition(
  dynalite: DynaliteWire,
  action: TransactAction,
  oldImage: Image | undefined,
  countCapacity: boolean,
): Promise<ConditionOutcome> {
  const { input, item } = action;
  const condition = String(input.ConditionExpression);
  const names = usedIn(condition, input.ExpressionAttributeNames, /#[A-Za-z0-9_]+/g);
  const values = usedIn(condition, input.ExpressionAttributeValues, /:[A-Za-z0-9_]+/g);
  try {
    const output = await dynalite.call<{ ConsumedCapacity?: { CapacityUnits?: number } }>(
      oldImage ? 'UpdateItem' : 'DeleteItem',
      {
        TableName: item.tableName,
        Key: item.key,
        ConditionExpression: condition,
        ...(names && { ExpressionAttributeNames: names }),
        ...(values && { ExpressionAttributeValues: values }),
        ...(countCapacity && { ReturnConsumedCapacity: 'TOTAL' }),
      },
    );
    return { holds: true, capacityUnits: output.ConsumedCapacity?.CapacityUnits ?? 0 };
  } catch (error) {
    if (error instanceof DynaliteError && error.type === 'ConditionalCheckFailedException') {
      return { holds: false, capacityUnits: 0 };
    }
    throw error;
  }
}

/**
 * The placeholders of a map that the condition uses: an Update's map also holds its update's, and
 * DynamoDB refuses placeholders an expression does not use. Expressions have no string literals,
 * so every `#name` and `:value` token in one is a placeholder.
 */
function usedIn(condition: string, map: unknown, token: RegExp): Record<string, unknown> | undefined {
  if (typeof map !== 'object' || map === null) return undefined;
  const used = new Set(condition.match(token));
  const entries = Object.entries(map).filter(([placeholder]) => used.has(placeholder));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
