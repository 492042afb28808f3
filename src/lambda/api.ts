import { handle } from 'hono/aws-lambda';
import { createApiRuntime } from '../composition/create-api-runtime.js';
import { loadConfig } from '../config/config.js';

/** Built once per execution environment, during init, and reused by every invocation. */
const runtime = await createApiRuntime(loadConfig());

/** API Gateway REST proxy (AWS_PROXY) events for `/product/{productId}`. */
export const handler = handle(runtime.app);
