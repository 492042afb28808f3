import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a socket that was answered with an error may keep sending before it is destroyed. */
const LINGER_MS = 2_000;

const JSON_TYPE = 'application/json';

interface ClientError extends Error {
  code?: string;
}

/** Status and message for an error Node's parser (or its request timer) raised below the app. */
function describeClientError(error: ClientError): { status: number; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'Request header fields are too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'Chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'The request was not received in time' };
    case 'HPE_INVALID_METHOD':
      return { status: 400, message: 'Unknown HTTP method' };
    default:
      return { status: 400, message: 'Malformed HTTP request' };
  }
}

/**
 * A whole HTTP/1.1 answer as bytes, for sockets that no longer have a ServerResponse to write with. An
 * answer to HEAD has headers only: a client reading it expects no body.
 */
function rawJsonAnswer(
  status: number,
  message: string,
  extraHeaders: Record<string, string> = {},
  forHead = false,
): string {
  const body = JSON.stringify({ message });
  const headers = {
    'Content-Type': JSON_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    Date: new Date().toUTCString(),
    ...extraHeaders,
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head.join('')}\r\n${forHead ? '' : body}`;
}

/**
 * Whether the request the parser failed on is a HEAD: the bytes after the last request boundary before
 * the point of failure (earlier pipelined requests come first in the packet).
 */
function failedOnHead(error: ClientError): boolean {
  const { rawPacket, bytesParsed } = error as ClientError & { rawPacket?: Buffer; bytesParsed?: number };
  if (!rawPacket) return false;
  const parsed = rawPacket.subarray(0, bytesParsed ?? 0).toString('latin1');
  const boundary = parsed.lastIndexOf('\r\n\r\n');
  return rawPacket
    .subarray(boundary < 0 ? 0 : boundary + 4)
    .toString('latin1')
    .startsWith('HEAD ');
}

function sendJson(res: ServerResponse, status: number, message: string, close: boolean): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(body),
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

/**
 * Writes the answer, then half-closes and keeps reading (the parser discards what comes) so the peer
 * receives it: destroying a socket with unread input sends an RST that can wipe the answer in flight.
 */
function answerAndClose(socket: Duplex, answer: string): void {
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
  socket.end(answer);
}

/**
 * HTTP/1.1 without Host must be refused (RFC 9112 §3.2); Node's own refusal has no body, so the server
 * is created with `requireHostHeader: false` and calls this first. True when it answered.
 */
export function refuseMissingHost(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.httpVersion !== '1.1' || req.headers.host !== undefined) return false;
  sendJson(res, 400, 'The Host header is required', true);
  return true;
}

/** @hono/node-server's errorHandler: a request it cannot turn into a URL (bad Host or absolute-form). */
export function requestErrorResponse(error: unknown): Response {
  const isRequestError = error instanceof Error && error.name === 'RequestError';
  const status = isRequestError ? 400 : 500;
  const message = isRequestError ? error.message : 'Internal server error';
  return new Response(JSON.stringify({ message }), { status, headers: { 'Content-Type': JSON_TYPE } });
}

/**
 * Makes Node's HTTP server answer hostile input the way the app answers everything else: JSON bodies,
 * no lost answers.
 */
export function hardenHttpServer(server: Server): void {
  // A client that half-closes after a complete request still wants its answer. Node's
  // only switch for that is this long-standing but undocumented property; without it the server ends
  // its side at once and drops the answer being produced. The net-level allowHalfOpen is already true.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;

  // Responses still being produced on each socket, so a parse error on a later pipelined request waits
  // for them instead of cutting them off (Node's default writes its 400 over them and destroys).
  const inFlight = new WeakMap<Duplex, Map<ServerResponse, IncomingMessage>>();
  const track = (req: IncomingMessage, res: ServerResponse) => {
    const pending = inFlight.get(req.socket) ?? new Map<ServerResponse, IncomingMessage>();
    inFlight.set(req.socket, pending);
    pending.set(res, req);
    res.once('close', () => pending.delete(res));
  };
  server.prependListener('request', track);

  // Node answers an unknown expectation with a bodiless 417; with a listener, it leaves that to us.
  server.on('checkExpectation', (req, res) => {
    track(req, res);
    // Close: a client that sent a body despite the failed expectation would desynchronise the framing.
    sendJson(res, 417, 'Only "Expect: 100-continue" is supported', true);
  });

  // Without a listener Node destroys a CONNECT socket silently; this is not a proxy, so say so.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    answerAndClose(socket, rawJsonAnswer(400, 'CONNECT is not supported: this server is not a proxy'));
  });

  const failed = new WeakSet<Duplex>();
  server.on('clientError', (error: ClientError, socket: Duplex) => {
    // The errored parser reports again on every later chunk and at end of input: answer once.
    if (failed.has(socket)) return;
    failed.add(socket);
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, message } = describeClientError(error);
    const pending = inFlight.get(socket) ?? new Map<ServerResponse, IncomingMessage>();
    const answer = () => {
      if (socket.destroyed || !socket.writable) return void socket.destroy();
      // What is left belongs to a request that never arrived whole (the error is about it): its answer
      // is this one, unless it has begun writing, and then no clean answer is possible.
      if ([...pending.keys()].some((res) => res.headersSent)) return void socket.destroy();
      answerAndClose(socket, rawJsonAnswer(status, message, {}, failedOnHead(error)));
    };
    const waitingFor = () => [...pending].filter(([, req]) => req.complete).map(([res]) => res);
    if (waitingFor().length === 0) return answer();
    // Earlier complete requests are answered first, in order; the error answer follows them.
    const onProgress = () => {
      if (waitingFor().length > 0 && !socket.destroyed) return;
      socket.off('close', onProgress);
      for (const res of pending.keys()) res.off('close', onProgress);
      answer();
    };
    socket.once('close', onProgress);
    for (const res of waitingFor()) res.once('close', onProgress);
  });
}
