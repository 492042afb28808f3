import { pathToFileURL } from 'node:url';
import { productRequestEvent, productsRequestEvent } from '../../test/fixtures/api-gateway-rest-event.js';
import { lambdaContext } from '../../test/support/lambda-context.js';
import { connectBareRedis } from '../infra/bare-redis-client.js';
import { summarize } from './percentiles.js';

/**
 * Child process (Node 22, as Lambda runs it): the built api bundle imported as Lambda imports it, and a
 * bare ioredis client with Aside's options. Alternating blocks of sequential operations, each timed:
 * a GET of the entry's key, then the handler answering the hit event in process, then (a tenth as many) the
 * handler answering a batch read of `batchIds`, all hits. Sends the summaries by IPC.
 * argv: bundle path, entry key, product id, blocks, operations per block, batch ids (comma-separated).
 */
const [bundle = '', entryKey = '', id = '', blocksArg = '20', perBlockArg = '1000', batchArg = ''] =
  process.argv.slice(2);
interface ProxyResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
}
type Handler = (event: unknown, context: unknown) => Promise<ProxyResult>;
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
const redis = await connectBareRedis(process.env.REDIS_URL ?? '');

const event = productRequestEvent(id);
const context = lambdaContext();
const first = await handler(event, context); // a miss fills the entry; everything after is a hit
if (first.statusCode !== 200) throw new Error(`the warm-up read answered ${first.statusCode}`);
if ((await redis.get(entryKey)) === null) throw new Error(`no entry under ${entryKey} after the warm-up`);
const batchIds = batchArg.split(',');
const batchEvent = productsRequestEvent([batchArg]);
const batchFill = await handler(batchEvent, context); // fills every batch entry
if (batchFill.statusCode !== 200) throw new Error(`the batch warm-up read answered ${batchFill.statusCode}`);
/** Hits as the answers' X-Cache headers tell them, to check the EMF documents' CacheHits against. */
let hitsAnswered = hitsIn(batchFill);

const bareUs: number[] = [];
const handlerUs: number[] = [];
const batchUs: number[] = [];
let invocations = 2;
let nonHits = 0;
let batchNonHits = 0;
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
    hitsAnswered += hitsIn(response);
  }
  for (let i = 0; i < Number(perBlockArg) / 10; i++) {
    const started = process.hrtime.bigint();
    const response = await handler(batchEvent, context);
    batchUs.push(Number(process.hrtime.bigint() - started) / 1000);
    invocations += 1;
    if (response.statusCode !== 200 || xCache(response) !== `HIT=${batchIds.length}`) batchNonHits += 1;
    hitsAnswered += hitsIn(response);
  }
}
redis.disconnect();
// The bundle's clients keep their connections open, as on Lambda: exit once the summary is sent.
process.send?.(
  {
    bare: summarize(bareUs),
    handler: summarize(handlerUs),
    batch: summarize(batchUs),
    invocations,
    nonHits,
    batchNonHits,
    hitsAnswered,
  },
  () => process.exit(0),
);

function xCache(response: ProxyResult): string | undefined {
  return response.headers?.['x-cache'] ?? response.multiValueHeaders?.['x-cache']?.[0];
}

/** `HIT` (a single read) or the `HIT=n` of a batch's `HIT=n, MISS=m`. */
function hitsIn(response: ProxyResult): number {
  const header = xCache(response) ?? '';
  if (header === 'HIT') return 1;
  return Number(/\bHIT=(\d+)/.exec(header)?.[1] ?? 0);
}
