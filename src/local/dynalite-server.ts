import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

/** dynalite needs some credentials to sign requests with; it checks none of them. */
export const DYNALITE_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface DynaliteServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** dynalite in this process: a real DynamoDB wire-protocol server, in memory, on a free port. */
export async function startDynalite(port = 0): Promise<DynaliteServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${boundPort}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeAllConnections?.();
      }),
  };
}
