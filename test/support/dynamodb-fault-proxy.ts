import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export type DynamoDbFault = 'none' | 'throttle' | 'hang';

export interface DynamoDbFaultProxy {
  readonly endpoint: string;
  fault: DynamoDbFault;
  /** How many requests reached the proxy, faulted or not. */
  readonly requests: number;
  stop(): Promise<void>;
}

const THROTTLE_BODY = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded.',
});

/**
 * A real HTTP hop in front of dynalite that can answer as a throttling DynamoDB does (HTTP 400 with
 * the service's error document) or never answer, so the SDK sees the fault on the wire.
 */
export async function startDynamoDbFaultProxy(targetEndpoint: string): Promise<DynamoDbFaultProxy> {
  const target = new URL(targetEndpoint);
  let requests = 0;
  const proxy = {
    endpoint: '',
    fault: 'none' as DynamoDbFault,
    get requests() {
      return requests;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((incoming, outgoing) => {
    requests += 1;
    if (proxy.fault === 'hang') return;
    if (proxy.fault === 'throttle') {
      incoming.resume();
      outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(THROTTLE_BODY);
      return;
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
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
