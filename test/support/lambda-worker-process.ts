import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

/**
 * The child side of lambda-workers.ts: one Lambda execution environment. It imports the built bundle
 * (init, with its top-level await), reports ready, then runs one invocation at a time as the parent
 * sends them. esbuild bundles this file at harness start so `node` runs it without a TypeScript loader.
 * argv: the bundle's index.mjs, the handler's export name.
 */

export type ParentMessage = {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: APIGatewayProxyEvent;
};

export type ChildMessage =
  | { readonly type: 'ready'; readonly initMs: number }
  | { readonly type: 'init-error'; readonly message: string }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly result: APIGatewayProxyResult;
      readonly handlerMs: number;
    }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const send = (message: ChildMessage) => process.send?.(message);

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

// Without the parent there is no one to serve: never outlive it (a crashed test run leaves no orphans).
process.on('disconnect', () => process.exit(0));

const [bundleFile, exportName] = process.argv.slice(2) as [string, string];
const initStarted = performance.now();
let handler: Handler;
try {
  const module = (await import(pathToFileURL(bundleFile).href)) as Record<string, unknown>;
  if (typeof module[exportName] !== 'function') throw new Error(`${bundleFile} exports no ${exportName}`);
  handler = module[exportName] as Handler;
} catch (error) {
  send({ type: 'init-error', message: describe(error) });
  process.exit(1);
}
send({ type: 'ready', initMs: performance.now() - initStarted });

let busy = false;
process.on('message', async (message: ParentMessage) => {
  if (message.type !== 'invoke') return;
  // Lambda never gives an environment a second event before the first is answered; neither may the parent.
  if (busy) {
    send({
      type: 'error',
      id: message.id,
      message: 'invoked while busy: the dispatcher broke one-at-a-time',
    });
    return;
  }
  busy = true;
  const started = performance.now();
  try {
    const result = await handler(message.event, { ...lambdaContext(), awsRequestId: randomUUID() });
    busy = false;
    send({ type: 'result', id: message.id, result, handlerMs: performance.now() - started });
  } catch (error) {
    busy = false;
    send({ type: 'error', id: message.id, message: describe(error) });
  }
});
