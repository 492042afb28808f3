import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createWriteCapture, type RecordsListener } from './capture-write.js';
import { connectDynalite } from './dynalite-wire.js';
import { createKeySchemas } from './key-schemas.js';
import { createStreamRecords } from './stream-records.js';
import { createTransactWrite } from './transact-write.js';

export interface ChangeCaptureProxyOptions {
  /** dynalite's endpoint; the proxy is the only way in that captures. */
  readonly target: string;
  /** The region named in the records. */
  readonly region: string;
  readonly onRecords: RecordsListener;
  readonly logger: Pick<Logger, 'error'>;
}

export interface ChangeCaptureProxy {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

/**
 * DynamoDB Streams for dynalite, which has none: a DynamoDB endpoint in front of it that passes every
 * request through unchanged and turns each write that changed an item into a stream record. The one
 * exception is TransactWriteItems, which dynalite lacks: the proxy serves it, over dynalite's own
 * single-item operations, and captures it like any other write.
 */
export async function startChangeCaptureProxy(
  options: ChangeCaptureProxyOptions,
): Promise<ChangeCaptureProxy> {
  const dynalite = connectDynalite(options.target);
  const keySchemas = createKeySchemas(dynalite);
  const capture = createWriteCapture({
    dynalite,
    keySchemas,
    toRecord: createStreamRecords({ region: options.region }),
    onRecords: options.onRecords,
    logger: options.logger,
  });
  const transactWrite = createTransactWrite(dynalite, keySchemas);

  const server = createServer((incoming, outgoing) => {
    answer(incoming)
      .then(({ status, headers, body }) => outgoing.writeHead(status, headers).end(body))
      .catch(() => outgoing.destroy());
  });
  const answer = async (incoming: IncomingMessage) => {
    const body = await readBody(incoming);
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const request = WRITE_OPERATIONS.has(operation) ? parseJson(body) : undefined;
    const send =
      operation === 'TransactWriteItems'
        ? () => transactWrite(request)
        : () => dynalite.forward(incoming.method ?? 'POST', incoming.url ?? '/', incoming.headers, body);
    if (operation === 'DeleteTable') keySchemas.forget(tableNameOf(body));
    return WRITE_OPERATIONS.has(operation) ? capture(operation, request, send) : send();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        dynalite.close();
      }),
  };
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The request's JSON, or undefined: a body dynalite will refuse is forwarded without capture. */
function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function tableNameOf(body: Buffer): string {
  const request = parseJson(body) as { TableName?: unknown } | undefined;
  return typeof request?.TableName === 'string' ? request.TableName : '';
}
