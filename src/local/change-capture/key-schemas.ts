import type { DescribeTableOutput } from '@aws-sdk/client-dynamodb';
import { DynaliteError, type DynaliteWire } from './dynalite-wire.js';

export interface KeySchemas {
  /** The table's key attributes, partition key first; undefined when dynalite has no such table. */
  keyNamesOf(tableName: string): Promise<readonly string[] | undefined>;
  /** Forgets a table's schema (it was deleted, and may come back with another). */
  forget(tableName: string): void;
}

/** Each table's key schema, read with DescribeTable the first time a write names the table. */
export function createKeySchemas(dynalite: DynaliteWire): KeySchemas {
  const known = new Map<string, readonly string[]>();
  return {
    async keyNamesOf(tableName) {
      const cached = known.get(tableName);
      if (cached) return cached;
      try {
        const { Table } = await dynalite.call<DescribeTableOutput>('DescribeTable', { TableName: tableName });
        const nameOf = (keyType: string) =>
          Table?.KeySchema?.find((element) => element.KeyType === keyType)?.AttributeName;
        const names = [nameOf('HASH'), nameOf('RANGE')].filter((name) => name !== undefined);
        known.set(tableName, names);
        return names;
      } catch (error) {
        // No such table, or a name dynalite refuses: the write itself will fail the same way.
        if (error instanceof DynaliteError) return undefined;
        throw error;
      }
    },
    forget: (tableName) => known.delete(tableName),
  };
}
