import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import type { ApiRuntime } from '../composition/create-api-runtime.js';
import { withJsonErrorBody } from './adapter-error.js';
import { withResolvedPath } from './resolved-path.js';
import { hasUndecodableBody, undecodableBodyResult } from './undecodable-body.js';
import { withoutReadBody } from './without-read-body.js';

/**
 * The handler of an HTTP function behind API Gateway (REST, AWS_PROXY): each event is shaped into what the
 * app's routes expect (see docs/architecture.md, "Lambda event handling"), then served by `hono/aws-lambda`.
 */
export function serveApiGateway(runtime: ApiRuntime) {
  const handleRequest = handle(runtime.app);
  return async (event: LambdaEvent, context: Context) => {
    // Every log line of this invocation carries its request id, function name and cold-start flag.
    runtime.telemetry.logger.addContext(context);
    const shaped = withResolvedPath(withoutReadBody(event));
    if (hasUndecodableBody(shaped)) return undecodableBodyResult(shaped);
    return withJsonErrorBody(await handleRequest(shaped, context));
  };
}
