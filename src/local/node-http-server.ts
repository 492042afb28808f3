import { createServer, type ServerOptions } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { directReadId, type SingleReadRoute, serveDirectReadOverHttp } from './direct-read-over-http.js';
import { hardenHttpServer, refuseMissingHost, requestErrorResponse } from './http-client-errors.js';

export interface NodeHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Node's documented limits on how long a client may take to send a request (defaults 300 s / 60 s / 30 s). */
export type HttpTimeouts = Pick<
  ServerOptions,
  'requestTimeout' | 'headersTimeout' | 'connectionsCheckingInterval'
>;

export interface HttpServerOptions extends HttpTimeouts {
  /** The app's read route: plain reads of a product are then answered by it directly, as on Lambda. */
  readonly readRoute?: SingleReadRoute | undefined;
}

/** Serves the same Hono app the Lambda handler serves, over plain Node HTTP. */
export function serveOverHttp(
  app: Hono,
  port: number,
  hostname = '127.0.0.1',
  { readRoute, ...timeouts }: HttpServerOptions = {},
): Promise<NodeHttpServer> {
  // Built here rather than by serve() so a missing Host and unparseable URLs get JSON answers too.
  const honoListener = getRequestListener(app.fetch, { hostname, errorHandler: requestErrorResponse });
  const server = createServer({ ...timeouts, requireHostHeader: false }, (req, res) => {
    if (refuseMissingHost(req, res)) return;
    const directId = readRoute && directReadId(req);
    if (readRoute && directId !== undefined) {
      // The read route answers its own failures; this is a failure to write the answer at all.
      serveDirectReadOverHttp(readRoute, directId, req, res).catch((error: unknown) => {
        readRoute.hooks.onError(error);
        res.destroy();
      });
      return;
    }
    void honoListener(req, res);
  });
  hardenHttpServer(server);

  // closeAllConnections() only knows sockets still owned by the HTTP parser, not a CONNECT one.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      const info = server.address() as AddressInfo;
      resolve({
        // An IPv6 address goes in brackets in a URL.
        url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
