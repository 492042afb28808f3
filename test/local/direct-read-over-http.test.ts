import type { IncomingMessage } from 'node:http';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/core/source-error.js';
import { createApp } from '../../src/http/app.js';
import { directReadId } from '../../src/local/direct-read-over-http.js';
import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';
import { type NodeHttpServer, serveOverHttp } from '../../src/local/node-http-server.js';

const STACK_ENV = { PORT: '0', LOG_LEVEL: 'SILENT', REDIS_COMMAND_TIMEOUT_MS: '1000' };

/** How long a connection may stay silent once some bytes arrived before the exchange counts as done. */
const QUIET_MS = 150;
const EXCHANGE_LIMIT_MS = 5_000;

/**
 * Every byte the server sends back to `payload` until it closes or stays quiet, with the Date header's
 * value blanked (the two servers answer in different seconds).
 */
function rawExchange(url: string, payload: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(limit);
      clearTimeout(quiet);
      socket.destroy();
      resolve(
        Buffer.concat(chunks)
          .toString('latin1')
          .replace(/\r\nDate: [^\r]*/g, '\r\nDate: -'),
      );
    };
    const limit = setTimeout(finish, EXCHANGE_LIMIT_MS);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(quiet);
      quiet = setTimeout(finish, QUIET_MS);
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(payload, 'latin1'));
  });
}

const request = (method: string, target: string, headers = 'Host: aside.test\r\n', body = '') =>
  `${method} ${target} HTTP/1.1\r\n${headers}\r\n${body}`;

/** Requests the direct read path answers, and neighbours it must leave to the app; both must answer alike. */
const REQUESTS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['a hit', request('GET', '/product/prod-0001'), true],
  ['HEAD of a hit', request('HEAD', '/product/prod-0001'), true],
  ['an unknown id (cached "not found")', request('GET', '/product/prod-9999'), true],
  ['HEAD of an unknown id', request('HEAD', '/product/prod-9999'), true],
  ['an id of dots and dashes', request('GET', '/product/...-_'), true],
  ['an id of 128 characters', request('GET', `/product/${'x'.repeat(128)}`), true],
  [
    'Connection: close',
    request('GET', '/product/prod-0002', 'Host: aside.test\r\nConnection: close\r\n'),
    true,
  ],
  [
    'a GET with a body',
    request('GET', '/product/prod-0002', 'Host: a\r\nContent-Length: 5\r\n', 'hello'),
    true,
  ],
  ['a host with a port', request('GET', '/product/prod-0002', 'Host: 127.0.0.1:3000\r\n'), true],
  ['HTTP/1.0 with Host', 'GET /product/prod-0002 HTTP/1.0\r\nHost: aside.test\r\n\r\n', true],
  ['the dot id .', request('GET', '/product/.'), false],
  ['the dot id ..', request('GET', '/product/..'), false],
  ['the encoded dot id %2E%2E', request('GET', '/product/%2E%2E'), false],
  ['an encoded id', request('GET', '/product/prod%2D0001'), false],
  ['a bad id (space)', request('GET', '/product/bad%20id'), false],
  ['a bad id (129 characters)', request('GET', `/product/${'x'.repeat(129)}`), false],
  ['a bad id (~)', request('GET', '/product/a~b'), false],
  ['a query string', request('GET', '/product/prod-0001?a=b%20c&a=d'), false],
  ['an empty query string', request('GET', '/product/prod-0001?'), false],
  ['a fragment-like suffix', request('GET', '/product/prod-0001#x'), false],
  ['a trailing slash', request('GET', '/product/prod-0001/'), false],
  ['a deeper path', request('GET', '/product/prod-0001/x'), false],
  ['no id', request('GET', '/product/'), false],
  ['no id, no slash', request('GET', '/product'), false],
  ['an unknown route', request('GET', '/products/prod-0001'), false],
  ['a route of another case', request('GET', '/Product/prod-0001'), false],
  ['a lower-case method', request('get', '/product/prod-0001'), false],
  ['OPTIONS', request('OPTIONS', '/product/prod-0001'), false],
  ['POST', request('POST', '/product/prod-0001', 'Host: a\r\nContent-Length: 0\r\n'), false],
  [
    'PUT without a JSON body',
    request('PUT', '/product/prod-0001', 'Host: a\r\nContent-Length: 0\r\n'),
    false,
  ],
  ['an upper-case Host', request('GET', '/product/prod-0001', 'Host: Aside.Test\r\n'), false],
  ['a Host with a low port', request('GET', '/product/prod-0001', 'Host: aside.test:80\r\n'), false],
  ['an IPv6 Host', request('GET', '/product/prod-0001', 'Host: [::1]:3000\r\n'), false],
  ['an invalid Host', request('GET', '/product/prod-0001', 'Host: a b\r\n'), false],
  ['no Host on HTTP/1.1', request('GET', '/product/prod-0001', ''), false],
  ['HTTP/1.0 without Host', 'GET /product/prod-0001 HTTP/1.0\r\n\r\n', false],
  ['an absolute-form target', request('GET', 'http://aside.test/product/prod-0001'), false],
  [
    'two pipelined reads and a malformed request',
    `${request('GET', '/product/prod-0003')}${request('HEAD', '/product/prod-0004')}FOO BAR\r\n\r\n`,
    true,
  ],
];

/** The request line and headers of `payload`'s first request, as Node hands them to the listener. */
function asIncoming(payload: string): IncomingMessage {
  const [requestLine = '', ...lines] = payload.slice(0, payload.indexOf('\r\n\r\n')).split('\r\n');
  const [method, url] = requestLine.split(' ');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method, url, headers } as unknown as IncomingMessage;
}

describe('the direct read path of the local server (npm start)', () => {
  let stack: LocalStack;
  let appOnly: NodeHttpServer;

  beforeAll(async () => {
    stack = await startLocalStack(STACK_ENV);
    // The same runtime, without the read route: every request goes through @hono/node-server and the app.
    appOnly = await serveOverHttp(stack.runtime.app, 0);
  });

  afterAll(async () => {
    await appOnly.close();
    await stack.stop();
  });

  it.each(REQUESTS)('answers %s byte for byte as the app does', async (_label, payload, direct) => {
    expect(directReadId(asIncoming(payload)) !== undefined).toBe(direct);
    await rawExchange(appOnly.url, payload); // fills the cache: both answers below are hits
    const throughApp = await rawExchange(appOnly.url, payload);
    const throughServer = await rawExchange(stack.url, payload);
    expect(throughApp).toMatch(/^HTTP\/1\.[01] \d{3} /);
    expect(throughServer).toBe(throughApp);
  });
});

describe('the direct read path when the read fails', () => {
  const calls: string[] = [];
  const hooks = { onRequestEnd: () => calls.push('end'), onError: () => calls.push('error') };
  const failures: Record<string, Error> = {
    'source-down': new SourceError('SOURCE_UNAVAILABLE', 'DynamoDB is down'),
    'a-bug': new TypeError('a bug'),
  };
  const readProduct = async (id: string): Promise<never> => {
    throw failures[id] ?? new Error(`unexpected id ${id}`);
  };
  const app = createApp({ readProduct, ...hooks });
  let appOnly: NodeHttpServer;
  let direct: NodeHttpServer;

  beforeAll(async () => {
    appOnly = await serveOverHttp(app, 0);
    direct = await serveOverHttp(app, 0, '127.0.0.1', { readRoute: { readProduct, hooks } });
  });

  afterAll(async () => {
    await appOnly.close();
    await direct.close();
  });

  it.each([
    ['a source failure (503, Retry-After)', 'source-down', 'GET'],
    ['an unexpected failure (500)', 'a-bug', 'GET'],
    ['a source failure, HEAD', 'source-down', 'HEAD'],
    ['an unexpected failure, HEAD', 'a-bug', 'HEAD'],
  ])('answers %s as the app does, running its hooks in the same order', async (_label, id, method) => {
    const payload = request(method, `/product/${id}`);
    calls.length = 0;
    const throughApp = await rawExchange(appOnly.url, payload);
    const appCalls = [...calls];
    calls.length = 0;
    const throughDirect = await rawExchange(direct.url, payload);
    expect(throughDirect).toBe(throughApp);
    expect(calls).toEqual(appCalls);
    expect(appCalls).toEqual(['error', 'end']);
  });
});

describe('the direct read path when the answer cannot be written', () => {
  it('reports the failure and closes the connection instead of crashing the server', async () => {
    const errors: unknown[] = [];
    const broken = new Error('onRequestEnd failed');
    const hooks = {
      onRequestEnd: () => {
        throw broken;
      },
      onError: (error: unknown) => errors.push(error),
    };
    const readProduct = async () => ({ outcome: 'HIT' as const, productJson: null });
    const server = await serveOverHttp(createApp({ readProduct, ...hooks }), 0, '127.0.0.1', {
      readRoute: { readProduct, hooks },
    });
    try {
      expect(await rawExchange(server.url, request('GET', '/product/prod-0001'))).toBe('');
      expect(errors).toEqual([broken]);
    } finally {
      await server.close();
    }
  });
});
