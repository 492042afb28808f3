import { vi } from 'vitest';

/**
 * The environment a function sees in these tests: a Redis and maybe a DynamoDB the test owns, static
 * credentials for dynalite, and EMF on. Undone by `vi.unstubAllEnvs()`.
 */
export function stubLambdaEnvironment(parts: { redisUrl: string; dynamoDbEndpoint?: string }): void {
  vi.stubEnv('REDIS_URL', parts.redisUrl);
  vi.stubEnv('REDIS_COMMAND_TIMEOUT_MS', '1000');
  if (parts.dynamoDbEndpoint) {
    vi.stubEnv('DYNAMODB_ENDPOINT', parts.dynamoDbEndpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  }
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
}

/**
 * Collects the EMF documents written to stdout (one JSON line each, as on Lambda) into the returned
 * array and lets everything else through. Undone by `vi.restoreAllMocks()`.
 */
export function captureEmf(): string[] {
  const documents: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
    if (String(chunk).includes('"CloudWatchMetrics"')) {
      documents.push(String(chunk));
      return true;
    }
    return write(chunk, ...(rest as []));
  });
  return documents;
}
