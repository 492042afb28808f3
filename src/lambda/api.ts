import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApiRuntime } from '../composition/create-api-runtime.js';
import { loadConfig } from '../config/config.js';
import { withoutReadBody } from './without-read-body.js';

/** Built once per execution environment, during init, and reused by every invocation. */
const runtime = await createApiRuntime(loadConfig());
const handleRequest = handle(runtime.app);

/** API Gateway REST proxy (AWS_PROXY) events for `/product/{productId}`. */
export const handler = (event: LambdaEvent, context?: LambdaContext) =>
  handleRequest(withoutReadBody(event), context);
