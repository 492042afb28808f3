import type { DynaliteWire } from './dynalite-wire.js';
import type { Image, ItemRef } from './written-items.js';

/** An item as it is now (a consistent read), in wire JSON; undefined when there is none. */
export async function readImage(
  dynalite: DynaliteWire,
  { tableName, key }: ItemRef,
): Promise<Image | undefined> {
  const { Item } = await dynalite.call<{ Item?: Image }>('GetItem', {
    TableName: tableName,
    Key: key,
    ConsistentRead: true,
  });
  return Item;
}
