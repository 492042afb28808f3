import { checkCondition } from './condition-check.js';
import { DynaliteError, type DynaliteWire, type WireAnswer } from './dynalite-wire.js';
import type { KeySchemas } from './key-schemas.js';
import { readImage } from './read-image.js';
import { readTransactRequest, type TransactAction } from './transact-items.js';
import {
  type CancellationReason,
  jsonAnswer,
  refusalAnswer,
  transactionCanceledAnswer,
} from './wire-answers.js';
import type { Image } from './written-items.js';

/** Answers one TransactWriteItems request (its parsed JSON) as DynamoDB would. */
export type TransactWrite = (request: unknown) => Promise<WireAnswer>;

const OPERATIONS = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem' } as const;
/** The parameters of an action its single-item operation takes as they are. */
const PASSED_ON = [
  'TableName',
  'Item',
  'Key',
  'UpdateExpression',
  'ConditionExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
];
/** DynamoDB charges a transactional write (or condition check) twice what the plain one costs. */
const TRANSACTION_COST = 2;

/**
 * TransactWriteItems, which dynalite lacks, made of its single-item operations. It must run inside
 * the capture's locks on every item it names (itemsWrittenBy reads the same items; a request that
 * cannot be read so is refused here before anything is written): then no other write through the
 * proxy touches them meanwhile, so every condition is checked first, changing nothing, and only if
 * all hold are the writes applied, one by one. Should a write still fail (an error only it finds,
 * such as an invalid update, or a write made straight to dynalite in between), those already applied
 * are undone by writing back the old images, and readers may have glimpsed them. ClientRequestToken
 * (idempotency) is ignored; ItemCollectionMetrics are never returned.
 */
export function createTransactWrite(dynalite: DynaliteWire, keySchemas: KeySchemas): TransactWrite {
  const write = async (
    kind: keyof typeof OPERATIONS,
    input: TransactAction['input'],
    countCapacity: boolean,
  ) => {
    const parameters = Object.fromEntries(PASSED_ON.map((name) => [name, input[name]]));
    const output = await dynalite.call<{ ConsumedCapacity?: { CapacityUnits?: number } }>(OPERATIONS[kind], {
      ...parameters,
      ...(countCapacity && { ReturnConsumedCapacity: 'TOTAL' }),
    });
    return output.ConsumedCapacity?.CapacityUnits ?? 0;
  };
  const restore = (actions: readonly TransactAction[], oldImages: ReadonlyArray<Image | undefined>) =>
    Promise.all(
      actions.map(({ kind, item }, index) => {
        if (kind === 'ConditionCheck') return undefined;
        const oldImage = oldImages[index];
        return oldImage
          ? dynalite.call('PutItem', { TableName: item.tableName, Item: oldImage })
          : dynalite.call('DeleteItem', { TableName: item.tableName, Key: item.key });
      }),
    );

  return async (body) => {
    const request = await readTransactRequest(body, keySchemas.keyNamesOf);
    if (!request.ok) return refusalAnswer(request.refusal);
    const { actions, returnConsumedCapacity } = request;
    const canceled = (failed: ReadonlySet<number>, oldImages: ReadonlyArray<Image | undefined>) =>
      transactionCanceledAnswer(
        actions.map((action, index) => cancellationReason(action, oldImages[index], failed.has(index))),
      );
    try {
      const oldImages = await Promise.all(actions.map((action) => readImage(dynalite, action.item)));
      const checks = await Promise.all(
        actions.map((action, index) =>
          action.input.ConditionExpression === undefined
            ? { holds: true, capacityUnits: 0 }
            : checkCondition(dynalite, action, oldImages[index], returnConsumedCapacity),
        ),
      );
      const failed = new Set(checks.flatMap((check, index) => (check.holds ? [] : [index])));
      if (failed.size > 0) return canceled(failed, oldImages);

      const units: number[] = [];
      for (const [index, action] of actions.entries()) {
        try {
          units.push(
            action.kind === 'ConditionCheck'
              ? (checks[index]?.capacityUnits ?? 0)
              : await write(action.kind, action.input, returnConsumedCapacity),
          );
        } catch (error) {
          await restore(actions.slice(0, index), oldImages);
          if (error instanceof DynaliteError && error.type === 'ConditionalCheckFailedException') {
            return canceled(new Set([index]), oldImages);
          }
          throw error;
        }
      }
      return jsonAnswer(200, returnConsumedCapacity ? { ConsumedCapacity: perTable(actions, units) } : {});
    } catch (error) {
      // dynalite refused a read or a write (a key of the wrong type, an invalid expression): its answer is DynamoDB's.
      if (error instanceof DynaliteError) return error.answer;
      throw error;
    }
  };
}

function cancellationReason(
  { input }: TransactAction,
  oldImage: Image | undefined,
  failed: boolean,
): CancellationReason {
  if (!failed) return { Code: 'None' };
  const returnItem = input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && oldImage;
  return {
    Code: 'ConditionalCheckFailed',
    Message: 'The conditional request failed',
    ...(returnItem && { Item: oldImage }),
  };
}

function perTable(actions: readonly TransactAction[], units: readonly number[]) {
  const byTable = new Map<string, number>();
  for (const [index, { item }] of actions.entries()) {
    byTable.set(item.tableName, (byTable.get(item.tableName) ?? 0) + TRANSACTION_COST * (units[index] ?? 0));
  }
  return [...byTable].map(([TableName, total]) => ({
    TableName,
    CapacityUnits: total,
    WriteCapacityUnits: total,
  }));
}
