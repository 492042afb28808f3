import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';
import { contentType, deeplyNested, entityTagHeader, productJson } from '../support/hostile-values.js';

/** Fixed so that a failure is reproducible; fast-check prints the seed and counterexample path on failure. */
const SEED = 20_261_128;
const RUNS = 1_000;
const REQUEST_BOUND_MS = 5_000;

const STACK_ENV = { PORT: '0', LOG_LEVEL: 'SILENT', REDIS_COMMAND_TIMEOUT_MS: '1000' };

/** Characters node:http lets through in a request target unescaped (it refuses others before sending). */
const SENDABLE_PATH_CHAR = /[\u0021-\u00ff]/;

/** A string as its UTF-8 bytes, one latin1 character each: what goes on the wire for non-ASCII text. */
function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Unsendable characters (space, controls) percent-encoded, the rest raw. */
function sendable(text: string): string {
  return [...text].map((char) => (SENDABLE_PATH_CHAR.test(char) ? char : encodeURIComponent(char))).join('');
}

const ODD_SEGMENTS = [
  '',
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '%',
  '%%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%2F',
  'a%2Fb',
  '{productId}',
  '{productId+}',
  'a:b',
  ':',
  'prod-0001',
  'prod-0002',
  'caf%C3%A9',
  'x'.repeat(128),
  'x'.repeat(129),
  '%F0%9F%98%80',
  '%ED%A0%80',
];

const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_SEGMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => sendable(utf8Bytes(s))) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }).map(sendable) },
  { weight: 1, arbitrary: fc.webSegment() },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent) },
);

const path = fc.oneof(
  { weight: 6, arbitrary: segment.map((id) => `/product/${id}`) },
  { weight: 2, arbitrary: fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(segment, fc.string({ maxLength: 30 }).map(sendable))
      .map(([id, q]) => `/product/${id}?${q}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(segment, { maxLength: 110 }), fc.constantFrom(',', '&ids='))
      .map(([ids, separator]) => `/products?ids=${ids.join(separator)}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/products',
      '/products?ids=',
      '/products?ids=,,,',
      '/products?ids=prod-0001&ids=prod-0002,prod-0001',
      `/products?ids=${Array.from({ length: 101 }, (_, i) => `p${i}`).join(',')}`,
      '/products?ids=%',
      '/products?ids=%ED%A0%80',
      '/products/prod-0001',
      '/products?ids[]=prod-0001',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/',
      '*',
      '/product',
      '/product/',
      '//product//prod-0001',
      '/product/./prod-0001',
      '/product/../product/prod-0001',
      '/./product/prod-0001',
      '/product/prod-0001/',
      '/product/prod-0001/extra',
      '/product/prod-0001#fragment',
      '/product/prod-0001?fields=%',
      'http://evil.example/product/prod-0001',
      'http://[::1/product/x',
      'product/prod-0001',
      `/product/${'y'.repeat(20_000)}`,
      `/product/${'y'.repeat(3_000)}`,
    ),
  },
);

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'PUT', 'GET') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('POST', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'QUERY'),
  },
  { weight: 1, arbitrary: fc.constantFrom('get', 'Put', 'GETX', 'M-SEARCH', 'PURGE', 'X') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}$/) },
);

/**
 * Header names the client may send. Content-Length and Transfer-Encoding are left out: a request that
 * announces more body than it sends is one the server rightly waits for, up to its request timeout.
 */
const headerName = fc
  .oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'Expect',
        'Upgrade',
        'Connection',
        'Accept',
        'Accept-Encoding',
        'Cookie',
        'Range',
      ),
    },
  )
  .filter((name) => !/^(content-length|transfer-encoding|host)$/i.test(name));

/** Values node:http sends: tab, printable ASCII and latin1 (it refuses CR, LF, NUL and controls). */
const headerValue = fc
  .oneof(
    { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(utf8Bytes) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '\t',
        '100-continue',
        'websocket',
        'close',
        'upgrade',
        'v'.repeat(20_000),
      ),
    },
  )
  .map((value) => value.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, '?'));

const headers = fc.record(
  {
    contentType,
    ifMatch: entityTagHeader(),
    ifNoneMatch: entityTagHeader(),
    host: fc.option(fc.constantFrom('', 'evil.example', 'a b', '[::1', 'localhost:99999', 'x'.repeat(300)), {
      freq: 8,
      nil: undefined,
    }),
    extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
  },
  { requiredKeys: ['contentType', 'extra'] },
);

const body = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  {
    weight: 5,
    arbitrary: productJson,
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 100 }) },
  { weight: 3, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      deeplyNested(5_000),
      `{"name":"x","price":1,"d":${deeplyNested(100_000)}}`,
      JSON.stringify({ name: 'n'.repeat(2_000_000), price: 1 }),
      '{"name":"x","price":1e400}',
      '{"name":"x","price":1,"__proto__":{"polluted":true}}',
      '\uFEFF{"name":"x","price":1}',
      '{"name":"x",',
      'null',
      '',
    ),
  },
);

const hostileRequest = fc.record({
  method,
  path,
  headers,
  dropContentType: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  body,
});
type HostileRequest = typeof hostileRequest extends fc.Arbitrary<infer T> ? T : never;

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The answer's status line and headers, then its body until the server ends it (or closes the socket). */
function collect(response: IncomingMessage, head: Buffer, done: (answer: Answer) => void): void {
  const chunks: Buffer[] = head.length > 0 ? [head] : [];
  const finish = () =>
    done({
      status: response.statusCode ?? 0,
      headers: response.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.once('end', finish);
}

let notSent = 0;
/** Sends the request as generated (the path raw, not normalised) and resolves with the answer. */
function send(baseUrl: string, generated: HostileRequest): Promise<Answer | 'not-sent'> {
  const { hostname, port } = new URL(baseUrl);
  const outgoing: Record<string, string> = {};
  if (!generated.dropContentType) outgoing['Content-Type'] = generated.headers.contentType;
  if (generated.headers.ifMatch !== undefined) outgoing['If-Match'] = generated.headers.ifMatch;
  if (generated.headers.ifNoneMatch !== undefined) outgoing['If-None-Match'] = generated.headers.ifNoneMatch;
  if (generated.headers.host !== undefined) outgoing.Host = generated.headers.host;
  for (const [name, value] of generated.headers.extra) outgoing[name] = value;

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(
      () => settle(() => reject(new Error(`no answer within ${REQUEST_BOUND_MS} ms`))),
      REQUEST_BOUND_MS,
    );
    let req: ReturnType<typeof request>;
    try {
      req = request({
        host: hostname,
        port: Number(port),
        method: generated.method,
        path: generated.path,
        headers: outgoing,
        agent: false,
      });
    } catch {
      // node:http refused to send it (a character it will not put on the wire): nothing reached the server.
      notSent += 1;
      settle(() => resolve('not-sent'));
      return;
    }
    req.once('response', (response) =>
      collect(response, Buffer.alloc(0), (answer) => settle(() => resolve(answer))),
    );
    // A CONNECT answer arrives as a 'connect' event; its body follows on the socket.
    req.once('connect', (response, socket, head) => {
      const chunks: Buffer[] = head.length > 0 ? [head] : [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.once('close', () =>
        settle(() =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        ),
      );
    });
    req.once('error', (error) => settle(() => reject(error)));
    req.end(generated.body ?? undefined);
  });
}

/** The property every answer must have: no 5xx, and a JSON `message` on every 4xx. */
function assertWellFormed(generated: HostileRequest, answer: Answer): void {
  expect(answer.status).toBeGreaterThanOrEqual(100);
  expect(answer.status).toBeLessThan(500);
  if (answer.status < 400) return;
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  // A HEAD answer has no body; its headers still say JSON.
  if (generated.method === 'HEAD') return;
  const parsed = JSON.parse(answer.body) as { message?: unknown };
  expect(typeof parsed.message).toBe('string');
}

describe('hostile requests over real HTTP to the local stack (property-based)', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack(STACK_ENV);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('answers every generated request without a 5xx, within the bound, with a JSON message on 4xx', async () => {
    notSent = 0;
    await fc.assert(
      fc.asyncProperty(hostileRequest, async (generated) => {
        const answer = await send(stack.url, generated);
        if (answer !== 'not-sent') assertWellFormed(generated, answer);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generators only make requests node:http sends; the property is about what reached the server.
    expect(notSent).toBe(0);

    // And the server is still there, answering normally (prod-0500: an id the generators never write).
    const after = await fetch(`${stack.url}/product/prod-0500`);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { productId: string }).productId).toBe('prod-0500');
  }, 120_000);
});
