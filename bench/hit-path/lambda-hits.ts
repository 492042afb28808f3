import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { buildStandaloneOptions } from '../../src/adapters/redis/redis-client-options.js';
import { productRequestEvent } from '../../test/fixtures/api-gateway-rest-event.js';
import { lambdaContext } from '../../test/support/lambda-context.js';
import { summarize } from './percentiles.js';

/**
 * Child process (Node 22, as Lambda runs it): the built api bundle imported as Lambda imports it, and a
 * bare ioredis client with Aside's options. Alternating blocks of sequential operations, each timed:
 * a GET of the entry's key, then the handler answering the hit event in process. Sends the summaries by IPC.
 * argv: bundle path, entry key, product id, blocks, operations per block.
 */
const [bundle = '', entryKey = '', id = '', blocksArg = '20', perBlockArg = '1000'] = process.argv.slice(2);
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
const redis = new Redis(
  buildStandaloneOptions({
    url: process.env.REDIS_URL ?? '',
    mode: 'standalone',
    connectTimeoutMs: 500,
    commandTimeoutMs: 1000,
  }),
);
await redis.connect();

const event = productRequestEvent(id);
const context = lambdaContext();
const first = await handler(event, context); // a miss fills the entry; everything after is a hit
if (first.statusCode !== 200) throw new Error(`the warm-up read answered ${first.statusCode}`);
if ((await redis.get(entryKey)) === null) throw new Error(`no entry under ${entryKey} after the warm-up`);

const bareUs: number[] = [];
const handlerUs: number[] = [];
let invocations = 1;
let nonHits = 0;
for (let block = 0; block < Number(blocksArg); block++) {
  for (let i = 0; i < Number(perBlockArg); i++) {
    const started = process.hrtime.bigint();
    await redis.get(entryKey);
    bareUs.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  for (let i = 0; i < Number(perBlockArg); i++) {
    const started = process.hrtime.bigint();
    const response = await handler(event, context);
    handlerUs.push(Number(process.hrtime.bigint() - started) / 1000);
    invocations += 1;
    if (response.statusCode !== 200) nonHits += 1;
  }
}
redis.disconnect();
// The bundle's clients keep their connections open, as on Lambda: exit once the summary is sent.
process.send?.({ bare: summarize(bareUs), handler: summarize(handlerUs), invocations, nonHits }, () =>
  process.exit(0),
);
