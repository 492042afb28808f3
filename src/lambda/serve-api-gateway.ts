import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import type { ApiRuntime } from '../composition/create-api-runtime.js';
import { withJsonErrorBody } from './adapter-error.js';
import { serveDirectRead } from './direct-read.js';
import { directRead } from './direct-read-event.js';
import { withResolvedPath } from './resolved-path.js';
import {
  hasUndecodableBody,
  hasUnencodableQuery,
  UNDECODABLE_BODY,
  UNENCODABLE_QUERY,
  unreadableEventResult,
} from './unreadable-event.js';
import { withoutReadBody } from './without-read-body.js';

/**
 * The handler of an HTTP function behind API Gateway (REST, AWS_PROXY): a plain read of a product is answered
 * by the read route directly; every other event is shaped into what the app's routes expect (see
 * docs/architecture.md, "Lambda event handling"), then served by `hono/aws-lambda`.
 */
export function serveApiGateway(runtime: ApiRuntime) {
  const handleRequest = handle(runtime.app);
  const { readRoute } = runtime;
  return async (event: LambdaEvent, context: Context) => {
    // Every log line of this invocation carries its request id, function name and cold-start flag.
    runtime.telemetry.logger.addContext(context);
    const read = readRoute && directRead(event as unknown as Readonly<Record<string, unknown>>);
    if (readRoute && read) {
      return serveDirectRead(readRoute, read, 'multiValueHeaders' in event && !!event.multiValueHeaders);
    }
    const shaped = withResolvedPath(withoutReadBody(event));
    if (hasUndecodableBody(shaped)) return unreadableEventResult(shaped, UNDECODABLE_BODY);
    if (hasUnencodableQuery(shaped)) return unreadableEventResult(shaped, UNENCODABLE_QUERY);
    return withJsonErrorBody(await handleRequest(shaped, context));
  };
}
