import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createStreamRuntime } from '../composition/create-stream-runtime.js';
import { loadConfig } from '../config/config.js';

/** Built once per execution environment, during init, and reused by every invocation. */
const runtime = await createStreamRuntime(loadConfig());

/** DynamoDB Streams batches of the Products table (event source mapping with ReportBatchItemFailures). */
export const handler = (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  // Every log line of this invocation carries its request id, function name and cold-start flag.
  runtime.telemetry.logger.addContext(context);
  return runtime.handle(event);
};
