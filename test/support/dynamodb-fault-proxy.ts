import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export type DynamoDbFault = 'none' | 'throttle' | 'hang';

/** One GetItem request as it crossed the wire, faulted or not (SDK retries are separate requests). */
export interface GetItemRequest {
  readonly tableName: string | undefined;
  /** The string value of the key attribute, or undefined when the request has no such key. */
  readonly id: string | undefined;
  readonly consistentRead: boolean;
}

/** A GetItem request with when it arrived and which SDK attempt it was, to explain a count. */
export interface GetItemArrival {
  readonly request: GetItemRequest;
  /** The SDK's attempt number (its amz-sdk-request header): above 1, a retry of a failed or timed-out attempt. */
  readonly attempt: number | undefined;
  /** performance.now() in this process when the request's body had arrived. */
  readonly receivedAt: number;
}

export interface DynamoDbFaultProxy {
  readonly endpoint: string;
  fault: DynamoDbFault;
  /**
   * When set, each GetItem's answer is held this many ms after DynamoDB gave it: the read happened, its
   * reply is late, so the reader's fill comes late too.
   */
  getItemAnswerDelayMs: (() => number) | undefined;
  /**
   * When set, a request is held this many ms (by its X-Amz-Target, e.g. `DynamoDB_20120810.PutItem`)
   * before it is forwarded: it reaches DynamoDB late, after whatever happened meanwhile.
   */
  forwardDelayMs: ((target: string) => number) | undefined;
  /**
   * When set, each BatchGetItem leaves this many of its keys (the last ones, given how many it asked
   * for) unread: they are answered as UnprocessedKeys, the rest are read by DynamoDB, as a throttled
   * table answers a batch.
   */
  batchGetUnprocessed: ((requestedKeys: number) => number) | undefined;
  /** How many keys each BatchGetItem that reached the proxy asked for, in arrival order. */
  readonly batchGetKeyCounts: readonly number[];
  /** How many requests reached the proxy, faulted or not. */
  readonly requests: number;
  /** Every GetItem request that reached the proxy, in arrival order. */
  readonly getItemRequests: readonly GetItemRequest[];
  /** The same requests, in the same order, with their arrival time and SDK attempt. */
  readonly getItemArrivals: readonly GetItemArrival[];
  /** How many GetItem requests for this id reached the proxy. */
  getItemReads(id: string): number;
  /** How many of those asked for ConsistentRead. */
  consistentGetItemReads(id: string): number;
  /** Stops listening and drops open connections: the endpoint refuses connections, as one that is down. */
  refuseConnections(): Promise<void>;
  /** Listens again on the same port after refuseConnections(). */
  acceptConnections(): Promise<void>;
  stop(): Promise<void>;
}

export interface DynamoDbFaultProxyOptions {
  /** The table's partition key attribute (a string), whose value getItemReads counts by. */
  readonly keyName?: string;
}

const GET_ITEM_TARGET = 'DynamoDB_20120810.GetItem';
const BATCH_GET_ITEM_TARGET = 'DynamoDB_20120810.BatchGetItem';

/** A BatchGetItem body as far as the proxy reads it: per table, its keys and the other request fields. */
interface BatchGetBody {
  RequestItems: Record<string, { Keys: unknown[] } & Record<string, unknown>>;
  [field: string]: unknown;
}

const THROTTLE_BODY = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded.',
});

/**
 * A real HTTP hop in front of dynalite that can answer as a throttling DynamoDB does (HTTP 400 with
 * the service's error document) or never answer, so the SDK sees the fault on the wire. It also counts
 * GetItem requests per key from the requests themselves, so a test counts reads without timing them.
 */
export async function startDynamoDbFaultProxy(
  targetEndpoint: string,
  options: DynamoDbFaultProxyOptions = {},
): Promise<DynamoDbFaultProxy> {
  const target = new URL(targetEndpoint);
  const keyName = options.keyName ?? 'productId';
  let requests = 0;
  const getItemRequests: GetItemRequest[] = [];
  const getItemArrivals: GetItemArrival[] = [];
  const batchGetKeyCounts: number[] = [];
  const readsOf = (id: string) => getItemRequests.filter((read) => read.id === id);
  const proxy = {
    endpoint: '',
    fault: 'none' as DynamoDbFault,
    getItemAnswerDelayMs: undefined as (() => number) | undefined,
    forwardDelayMs: undefined as ((target: string) => number) | undefined,
    batchGetUnprocessed: undefined as ((requestedKeys: number) => number) | undefined,
    batchGetKeyCounts,
    get requests() {
      return requests;
    },
    getItemRequests,
    getItemArrivals,
    getItemReads: (id: string) => readsOf(id).length,
    consistentGetItemReads: (id: string) => readsOf(id).filter((read) => read.consistentRead).length,
    refuseConnections: () => closeServer(),
    acceptConnections: () => listen(new URL(proxy.endpoint).port),
    stop: () => closeServer(),
  };
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    requests += 1;
    // The whole body is read before forwarding: it is small, and the count must not depend on the answer.
    const body = await readBody(incoming);
    const isGetItem = incoming.headers['x-amz-target'] === GET_ITEM_TARGET;
    if (isGetItem) {
      const getItem = parseGetItem(body, keyName);
      getItemRequests.push(getItem);
      getItemArrivals.push({ request: getItem, attempt: attemptOf(incoming), receivedAt: performance.now() });
    }
    if (proxy.fault === 'hang') return;
    const holdMs = proxy.forwardDelayMs?.(String(incoming.headers['x-amz-target'] ?? '')) ?? 0;
    if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
    if (proxy.fault === 'throttle') {
      outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(THROTTLE_BODY);
      return;
    }
    if (incoming.headers['x-amz-target'] === BATCH_GET_ITEM_TARGET) {
      const batch = JSON.parse(body.toString('utf8')) as BatchGetBody;
      batchGetKeyCounts.push(Object.values(batch.RequestItems).reduce((sum, t) => sum + t.Keys.length, 0));
      if (proxy.batchGetUnprocessed) {
        await answerPartOfBatch(batch, proxy.batchGetUnprocessed, target, incoming, outgoing);
        return;
      }
    }
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        const pass = () => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        };
        const delayMs = isGetItem ? (proxy.getItemAnswerDelayMs?.() ?? 0) : 0;
        if (delayMs > 0) setTimeout(pass, delayMs);
        else pass();
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    forwarded.end(body);
  };
  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch(() => outgoing.destroy());
  });
  const listen = (port: string | number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(port), '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

/**
 * Forwards the batch without its last keys (per table) and answers DynamoDB's reply with those keys
 * added as UnprocessedKeys, in the service's wire shape; when no key is left to read, answers alone.
 */
async function answerPartOfBatch(
  batch: BatchGetBody,
  unprocessedOf: (requestedKeys: number) => number,
  target: URL,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const unprocessed: Record<string, unknown> = {};
  const forwarded: BatchGetBody = { ...batch, RequestItems: {} };
  for (const [table, request] of Object.entries(batch.RequestItems)) {
    const kept = Math.max(0, request.Keys.length - unprocessedOf(request.Keys.length));
    if (kept < request.Keys.length) unprocessed[table] = { ...request, Keys: request.Keys.slice(kept) };
    if (kept > 0) forwarded.RequestItems[table] = { ...request, Keys: request.Keys.slice(0, kept) };
  }
  let answer: { Responses?: Record<string, unknown[]>; UnprocessedKeys?: Record<string, unknown> } = {
    Responses: Object.fromEntries(Object.keys(batch.RequestItems).map((table) => [table, []])),
  };
  if (Object.keys(forwarded.RequestItems).length > 0) {
    const text = JSON.stringify(forwarded);
    answer = await new Promise((resolve, reject) => {
      const headers = { ...incoming.headers, 'content-length': String(Buffer.byteLength(text)) };
      const sent = request(
        { host: target.hostname, port: target.port, method: 'POST', path: incoming.url, headers },
        (reply) => readBody(reply).then((replyBody) => resolve(JSON.parse(replyBody.toString('utf8')))),
      );
      sent.on('error', reject);
      sent.end(text);
    });
  }
  const document = JSON.stringify({
    ...answer,
    UnprocessedKeys: { ...answer.UnprocessedKeys, ...unprocessed },
  });
  outgoing.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(document);
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
  } catch {
    // A client that gave up mid-request: forward what arrived; dynalite answers it as it would.
  }
  return Buffer.concat(chunks);
}

function attemptOf(incoming: IncomingMessage): number | undefined {
  const match = /attempt=(\d+)/.exec(String(incoming.headers['amz-sdk-request'] ?? ''));
  return match ? Number(match[1]) : undefined;
}

function parseGetItem(
  body: Buffer,
  keyName: string,
): Pick<GetItemRequest, 'tableName' | 'id' | 'consistentRead'> {
  try {
    const document = JSON.parse(body.toString('utf8')) as {
      TableName?: unknown;
      Key?: Record<string, { S?: unknown } | undefined>;
      ConsistentRead?: unknown;
    };
    const id = document.Key?.[keyName]?.S;
    return {
      tableName: typeof document.TableName === 'string' ? document.TableName : undefined,
      id: typeof id === 'string' ? id : undefined,
      consistentRead: document.ConsistentRead === true,
    };
  } catch {
    return { tableName: undefined, id: undefined, consistentRead: false };
  }
}
