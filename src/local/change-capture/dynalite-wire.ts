import { Agent, type IncomingHttpHeaders, request } from 'node:http';

/** dynalite's answer to one request, exactly as it came over the wire. */
export interface WireAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** dynalite answered an operation with one of DynamoDB's error documents. */
export class DynaliteError extends Error {
  constructor(
    readonly type: string,
    message: string,
    /** The error as it came, for passing on to a client unchanged. */
    readonly answer: WireAnswer,
  ) {
    super(message);
    this.name = 'DynaliteError';
  }
}

export interface DynaliteWire {
  /** Sends a client's request unchanged and returns dynalite's answer unchanged. */
  forward(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<WireAnswer>;
  /** One operation of DynamoDB's JSON protocol; throws DynaliteError unless dynalite answers 200. */
  call<Output>(operation: string, input: object): Promise<Output>;
  close(): void;
}

// dynalite wants a SigV4-shaped Authorization header and a date, and verifies no signature.
const CALL_HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
  'x-amz-date': '20200101T000000Z',
};

/**
 * Plain HTTP to dynalite in DynamoDB's own JSON: the capture's reads return items in the wire format
 * stream records carry (binary as base64), with no SDK marshalling in between.
 */
export function connectDynalite(endpoint: string): DynaliteWire {
  const target = new URL(endpoint);
  const agent = new Agent({ keepAlive: true });
  const send = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<WireAnswer>((resolve, reject) => {
      const outgoing = request(
        { agent, host: target.hostname, port: target.port, method, path, headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.once('error', reject);
          answer.once('end', () =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  return {
    forward: send,
    call: async <Output>(operation: string, input: object) => {
      const body = Buffer.from(JSON.stringify(input));
      const headers = { ...CALL_HEADERS, 'x-amz-target': `DynamoDB_20120810.${operation}` };
      const answer = await send('POST', '/', headers, body);
      const document = JSON.parse(answer.body.toString('utf8')) as Output & {
        __type?: string;
        message?: string;
      };
      if (answer.status !== 200) {
        const type = document.__type?.split('#').pop() ?? 'UnknownError';
        throw new DynaliteError(
          type,
          document.message ?? `${operation} failed with HTTP ${answer.status}`,
          answer,
        );
      }
      return document;
    },
    close: () => agent.destroy(),
  };
}
