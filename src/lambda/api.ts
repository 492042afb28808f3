import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { createApiRuntime } from '../composition/create-api-runtime.js';
import { loadConfig } from '../config/config.js';
import { withoutReadBody } from './without-read-body.js';

/** Built once per execution environment, during init, and reused by every invocation. */
const runtime = await createApiRuntime(loadConfig(), { routes: ['read'] });
const handleRequest = handle(runtime.app);

/** API Gateway REST proxy (AWS_PROXY) events for `/product/{productId}`. */
export const handler = (event: LambdaEvent, context: Context) => {
  // Every log line of this invocation carries its request id, function name and cold-start flag.
  runtime.telemetry.logger.addContext(context);
  return handleRequest(withoutReadBody(event), context);
};
