/**
 * What the parent tells every worker, through its environment, so each adapter can be built inside a
 * fresh process with nothing shared: where Redis and DynamoDB are, and the cache TTL all systems use.
 */
export interface SystemSettings {
  readonly redisUrl: string;
  readonly dynamoDbEndpoint: string;
  readonly tableName: string;
  readonly region: string;
  readonly ttlSeconds: number;
}

export const SETTINGS_VARIABLE = 'BENCH_SYSTEM_SETTINGS';

export function settingsEnvironment(settings: SystemSettings): Record<string, string> {
  return { [SETTINGS_VARIABLE]: JSON.stringify(settings) };
}

export function settingsFromEnvironment(): SystemSettings {
  const raw = process.env[SETTINGS_VARIABLE];
  if (!raw) throw new Error(`${SETTINGS_VARIABLE} is not set: workers are started by bench/run.ts`);
  return JSON.parse(raw) as SystemSettings;
}
