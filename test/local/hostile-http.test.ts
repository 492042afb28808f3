import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';
import { type NodeHttpServer, serveOverHttp } from '../../src/local/node-http-server.js';

const STACK_ENV = { PORT: '0', LOG_LEVEL: 'SILENT', REDIS_COMMAND_TIMEOUT_MS: '1000' };

/** Every exchange gives up after this long, so a server that stays silent fails the test instead of hanging it. */
const EXCHANGE_LIMIT_MS = 5_000;

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Exchange {
  readonly responses: RawResponse[];
  /** The server closed (or half-closed) the connection. */
  readonly closedByServer: boolean;
}

/** Complete responses at the start of `raw`; every answer these tests expect carries Content-Length. */
function parseResponses(raw: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let offset = 0;
  for (;;) {
    const headEnd = raw.indexOf('\r\n\r\n', offset);
    if (headEnd < 0) return responses;
    const [statusLine = '', ...lines] = raw.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyEnd = headEnd + 4 + length;
    if (raw.length < bodyEnd) return responses;
    responses.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: raw.subarray(headEnd + 4, bodyEnd).toString('utf8'),
    });
    offset = bodyEnd;
  }
}

/**
 * Sends raw bytes and collects answers until `expected` responses arrived or the server closed; the
 * socket is always destroyed at the end. `halfClose` ends the client's side right after sending.
 */
function exchange(
  url: string,
  payload: string,
  { expected = 1, halfClose = false }: { expected?: number; halfClose?: boolean } = {},
): Promise<Exchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let settle: NodeJS.Timeout | undefined;
    const done = (outcome: () => void) => {
      clearTimeout(limit);
      clearTimeout(settle);
      socket.destroy();
      outcome();
    };
    const finish = (closedByServer: boolean) =>
      done(() => resolve({ responses: parseResponses(Buffer.concat(chunks)), closedByServer }));
    const limit = setTimeout(
      () =>
        done(() =>
          reject(new Error(`no complete answer in ${EXCHANGE_LIMIT_MS} ms: ${Buffer.concat(chunks)}`)),
        ),
      EXCHANGE_LIMIT_MS,
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const received = parseResponses(Buffer.concat(chunks)).length;
      if (received > expected) finish(false);
      // A keep-alive server never closes: after the expected answers, wait briefly to see whether it does.
      else if (received === expected && !settle) settle = setTimeout(() => finish(false), 200);
    });
    socket.on('end', () => finish(true));
    socket.on('error', (error) => done(() => reject(error)));
    socket.on('connect', () => {
      if (halfClose) socket.end(payload);
      else socket.write(payload);
    });
  });
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: aside.test\r\n${extra}\r\n`;

function expectJsonError(response: RawResponse | undefined, status: number): void {
  expect(response?.status).toBe(status);
  expect(response?.headers['content-type']).toBe('application/json');
  const body = JSON.parse(response?.body ?? '') as { message?: unknown };
  expect(typeof body.message).toBe('string');
}

describe('the local server under hostile HTTP input', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack(STACK_ENV);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('answers a client that half-closes after a complete request', async () => {
    const { responses, closedByServer } = await exchange(stack.url, get('/product/prod-0201'), {
      halfClose: true,
    });
    expect(responses).toHaveLength(1);
    expect(responses[0]?.status).toBe(200);
    expect(JSON.parse(responses[0]?.body ?? '')).toMatchObject({ productId: 'prod-0201' });
    expect(closedByServer).toBe(true);
  });

  it('answers two pipelined requests in order, also when the client half-closes', async () => {
    for (const halfClose of [false, true]) {
      const payload = get('/product/prod-0202') + get('/product/prod-0203');
      const { responses } = await exchange(stack.url, payload, { expected: 2, halfClose });
      expect(responses.map((response) => response.status)).toEqual([200, 200]);
      expect(responses.map((response) => JSON.parse(response.body).productId)).toEqual([
        'prod-0202',
        'prod-0203',
      ]);
    }
  });

  it('answers a valid request before the 400 of a malformed one pipelined after it', async () => {
    // prod-0204 is cold: its answer is still being produced (a DynamoDB read) when the parser fails.
    const payload = `${get('/product/prod-0204')}${get('/product/prod-0205')}FOO BAR\r\n\r\n`;
    const { responses, closedByServer } = await exchange(stack.url, payload, { expected: 3 });
    expect(responses.slice(0, 2).map((response) => JSON.parse(response.body).productId)).toEqual([
      'prod-0204',
      'prod-0205',
    ]);
    expectJsonError(responses[2], 400);
    expect(responses[2]?.headers.connection).toBe('close');
    expect(closedByServer).toBe(true);
  });

  it('answers 431 JSON to an oversized head', async () => {
    const { responses, closedByServer } = await exchange(
      stack.url,
      get('/product/prod-0001', `X-Big: ${'a'.repeat(20_000)}\r\n`),
    );
    expectJsonError(responses[0], 431);
    expect(responses[0]?.headers.connection).toBe('close');
    expect(closedByServer).toBe(true);
  });

  it('answers 400 JSON to an unknown method', async () => {
    const { responses } = await exchange(stack.url, 'FOO / HTTP/1.1\r\nHost: aside.test\r\n\r\n');
    expectJsonError(responses[0], 400);
  });

  it('answers a malformed HEAD request with headers only, as HEAD answers must be', async () => {
    const { hostname, port } = new URL(stack.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: hostname, port: Number(port) });
      const chunks: Buffer[] = [];
      const limit = setTimeout(() => socket.destroy(new Error('no answer in time')), EXCHANGE_LIMIT_MS);
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('close', () => {
        clearTimeout(limit);
        resolve(Buffer.concat(chunks).toString('latin1'));
      });
      socket.on('error', reject);
      socket.on('connect', () =>
        socket.write(Buffer.from('HEAD /\xc2\xa0 HTTP/1.1\r\nHost: aside.test\r\n\r\n', 'latin1')),
      );
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/\r\nContent-Type: application\/json\r\n/i);
    expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe('');
  });

  it('answers 417 JSON to an expectation other than 100-continue', async () => {
    const { responses } = await exchange(stack.url, get('/product/prod-0001', 'Expect: 200-ok\r\n'));
    expectJsonError(responses[0], 417);
    expect(responses[0]?.headers.connection).toBe('close');
  });

  it.each([
    [
      'an absolute-form target with an invalid host',
      'GET http://[bad/product/prod-0001 HTTP/1.1\r\nHost: x\r\n\r\n',
    ],
    ['an absolute-form target the parser rejects', 'GET http://exa mple/ HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an invalid Host header', 'GET /product/prod-0001 HTTP/1.1\r\nHost: a b\r\n\r\n'],
    ['no Host header on HTTP/1.1', 'GET /product/prod-0001 HTTP/1.1\r\n\r\n'],
  ])('answers 400 JSON to %s', async (_label, payload) => {
    const { responses } = await exchange(stack.url, payload);
    expectJsonError(responses[0], 400);
  });

  it('answers CONNECT instead of dropping the connection', async () => {
    const { responses, closedByServer } = await exchange(
      stack.url,
      'CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n',
    );
    expectJsonError(responses[0], 400);
    expect(closedByServer).toBe(true);
  });

  it('still serves HTTP/1.0 without Host', async () => {
    const { responses } = await exchange(stack.url, 'GET /product/prod-0206 HTTP/1.0\r\n\r\n');
    expect(responses[0]?.status).toBe(200);
  });

  describe('with short request timeouts', () => {
    let server: NodeHttpServer;

    beforeAll(async () => {
      server = await serveOverHttp(stack.runtime.app, 0, '127.0.0.1', {
        requestTimeout: 300,
        headersTimeout: 300,
        connectionsCheckingInterval: 50,
      });
    });

    afterAll(async () => {
      await server.close();
    });

    it('answers 408 JSON and closes when a request body never completes', async () => {
      const head =
        'PUT /product/hostile-slow HTTP/1.1\r\nHost: aside.test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
      const started = Date.now();
      const { responses, closedByServer } = await exchange(server.url, `${head}{"name":`);
      expectJsonError(responses[0], 408);
      expect(closedByServer).toBe(true);
      expect(Date.now() - started).toBeLessThan(EXCHANGE_LIMIT_MS);
    });
  });
});
