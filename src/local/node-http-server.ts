import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface NodeHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the same Hono app the Lambda handler serves, over plain Node HTTP. */
export function serveOverHttp(app: Hono, port: number, hostname = '127.0.0.1'): Promise<NodeHttpServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      resolve({
        url: `http://${hostname}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
