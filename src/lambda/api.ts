import { createApiRuntime } from '../composition/create-api-runtime.js';
import { loadConfig } from '../config/config.js';
import { serveApiGateway } from './serve-api-gateway.js';

/** Built once per execution environment, during init, and reused by every invocation. */
const runtime = await createApiRuntime(loadConfig(), { routes: ['read'] });

/** API Gateway REST proxy (AWS_PROXY) events for GET (and HEAD) `/product/{productId}` and `/health`. */
export const handler = serveApiGateway(runtime);
