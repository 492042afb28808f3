import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HealthProbe } from '../../health/health-probe.js';
import type { DatabaseReport } from '../../health/health-report.js';

/**
 * DynamoDB's reachability and round trip by DescribeTable: it reads no item, so it costs no read units,
 * and it proves the table exists and the role may reach it (the api function's role has
 * dynamodb:DescribeTable on the table, and the VPC endpoint lets it through). A table that is not there
 * or not usable (being deleted, its KMS key lost) is `down`, as the reads would fail.
 */
export class DynamoDbHealthProbe implements HealthProbe<DatabaseReport> {
  constructor(
    private readonly client: Pick<DynamoDBClient, 'send'>,
    private readonly tableName: string,
  ) {}

  async check(signal: AbortSignal): Promise<DatabaseReport> {
    const identity = { kind: 'dynamodb', table: this.tableName } as const;
    const started = performance.now();
    try {
      const { Table } = await this.client.send(new DescribeTableCommand({ TableName: this.tableName }), {
        abortSignal: signal,
      });
      const roundTripMs = Math.round((performance.now() - started) * 10) / 10;
      const tableStatus = Table?.TableStatus ?? 'UNKNOWN';
      const usable = tableStatus === 'ACTIVE' || tableStatus === 'UPDATING';
      return {
        ...identity,
        status: usable ? 'up' : 'down',
        roundTripMs,
        tableStatus,
        ...(usable ? {} : { error: `table ${this.tableName} is ${tableStatus}` }),
      };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      const detail = error instanceof Error ? error.message : String(error);
      return { ...identity, status: 'down', error: `DescribeTable failed (${name}): ${detail}` };
    }
  }
}
