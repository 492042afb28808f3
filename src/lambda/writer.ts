import { createApiRuntime } from '../composition/create-api-runtime.js';
import { loadConfig } from '../config/config.js';
import { serveApiGateway } from './serve-api-gateway.js';

/** Built once per execution environment, during init; serves only the write routes, with the writer's role. */
const runtime = await createApiRuntime(loadConfig(), { routes: ['write'] });

/**
 * API Gateway REST proxy (AWS_PROXY) events for PUT and DELETE `/product/{productId}`. The adapter
 * decodes a base64 body (`isBase64Encoded`, when the API has binary media types) before the app reads it.
 */
export const handler = serveApiGateway(runtime);
