import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { productRequestEvent, productWriteEvent } from '../../test/fixtures/api-gateway-rest-event.js';
import { lambdaContext } from '../../test/support/lambda-context.js';
import type { CacheOutcome, CreateSystem } from './system-adapter.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The built bundles' locations, set by the parent (bench/infra/aside-bundles.ts). */
export const API_BUNDLE_VARIABLE = 'ASIDE_API_BUNDLE';
export const WRITER_BUNDLE_VARIABLE = 'ASIDE_WRITER_BUNDLE';

const OUTCOMES: Record<string, CacheOutcome> = { HIT: 'hit', STALE: 'stale', MISS: 'miss', BYPASS: 'bypass' };

async function importHandler(variable: string): Promise<Handler> {
  const file = process.env[variable];
  if (!file) throw new Error(`${variable} is not set`);
  const module = (await import(pathToFileURL(file).href)) as { handler: Handler };
  return module.handler;
}

/**
 * Aside through its real code: the built api function's bundle, imported once as Lambda's init does
 * (its configuration comes from this process's environment), invoked with API Gateway REST events.
 * Writes go through the built writer function, imported before the write phase (its own function's
 * init, untimed) so init is the api's alone.
 */
export const createSystem: CreateSystem = async () => {
  const api = await importHandler(API_BUNDLE_VARIABLE);
  let writer: Promise<Handler> | undefined;
  const writerHandler = () => {
    writer ??= importHandler(WRITER_BUNDLE_VARIABLE);
    return writer;
  };
  const invoke = (handler: Handler, event: APIGatewayProxyEvent) =>
    handler(event, { ...lambdaContext(), awsRequestId: randomUUID() });
  return {
    async read(id) {
      const result = await invoke(api, productRequestEvent(id));
      const header = result.multiValueHeaders?.['x-cache']?.[0] ?? result.headers?.['x-cache'];
      return {
        status: result.statusCode,
        body: result.body,
        cacheOutcome: OUTCOMES[String(header)] ?? 'none',
      };
    },
    async write(id, attributes) {
      const event = productWriteEvent(id, 'PUT', {
        body: JSON.stringify(attributes),
        headers: { 'Content-Type': 'application/json' },
      });
      return (await invoke(await writerHandler(), event)).statusCode;
    },
    prepareWrites: async () => void (await writerHandler()),
  };
};
