import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { numberFromText } from './json-safe-values.js';
import { createRetryStrategy } from './retry-strategy.js';

export interface DynamoDbClientOptions {
  readonly region: string;
  /** A DynamoDB-compatible endpoint (dynalite locally); unset on AWS. */
  readonly endpoint: string | undefined;
  /** A DAX cluster discovery endpoint (dax:// or daxs://); when set, reads go through DAX. */
  readonly daxEndpoint: string | undefined;
  readonly timeoutMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** Static credentials, for local endpoints; on AWS the default provider chain is used. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * One document client per execution environment. Timeouts are explicit so a slow DynamoDB cannot
 * hold a request for the SDK's defaults (which are unbounded for the socket).
 */
export async function createDynamoDbDocumentClient(
  options: DynamoDbClientOptions,
): Promise<DynamoDBDocumentClient> {
  const base = options.daxEndpoint
    ? await createDaxClient(options, options.daxEndpoint)
    : createDirectClient(options);
  return DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: numberFromText },
  });
}

function createDirectClient(options: DynamoDbClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    retryStrategy: createRetryStrategy(options.maxAttempts),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      // Without it the handler only logs a warning when the request timeout passes, and waits on.
      throwOnRequestTimeout: true,
    }),
  });
}

/** Loaded only when DAX is configured: the DAX client is large and most deployments do not use it. */
async function createDaxClient(options: DynamoDbClientOptions, daxEndpoint: string): Promise<DynamoDBClient> {
  const { Dax } = await import('@amazon-dax-sdk/client-dax');
  return new Dax({
    endpoint: daxEndpoint,
    region: options.region,
    credentials: options.credentials,
    requestTimeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    maxRetries: options.maxAttempts - 1,
  });
}
