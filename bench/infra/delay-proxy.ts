import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface DelayProxy {
  /** host:port to give clients instead of the target's. */
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A TCP hop that holds every chunk for half the round trip in each direction, in order: network distance
 * in front of a local server (BENCH_NETWORK=1). Timers fire no sooner than 1 ms, so a sub-millisecond
 * round trip costs at least about 2 ms here: the report's modelled figures use the exact round trip.
 */
export async function startDelayProxy(targetPort: number, roundTripMs: number): Promise<DelayProxy> {
  const oneWayMs = roundTripMs / 2;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipeDelayed(client, upstream, oneWayMs);
    pipeDelayed(upstream, client, oneWayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function pipeDelayed(from: Socket, to: Socket, delayMs: number): void {
  const queue: Array<{ dueAt: number; chunk: Buffer }> = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.dueAt ?? 0) <= now)
      to.write((queue.shift() as { chunk: Buffer }).chunk);
    if (queue.length > 0) timer = setTimeout(flush, (queue[0]?.dueAt ?? now) - now);
  };
  from.on('data', (chunk: Buffer) => {
    queue.push({ dueAt: performance.now() + delayMs, chunk });
    if (timer === undefined) timer = setTimeout(flush, delayMs);
  });
  from.on('end', () => {
    const finish = () => (queue.length === 0 ? to.end() : setTimeout(finish, delayMs));
    finish();
  });
}
