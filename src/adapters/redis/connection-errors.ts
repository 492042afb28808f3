import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './create-redis-client.js';
import { isCommandTimeout } from './to-cache-store-error.js';

// The key of a standalone client's one connection, and of a cluster client's own errors (slot refresh).
const CLIENT_CONNECTION = 'client';

/**
 * The latest error of each connection a client holds (standalone: one; cluster: one per node, plus the
 * cluster's own), each forgotten when that connection is ready again. One shared "last error" would keep
 * a node's old refusal alive after it reconnected (a cluster emits `ready` only once for all its nodes),
 * and every later failure would look like a wrong password.
 */
export class ConnectionErrors {
  readonly #byConnection = new Map<string, Error>();

  /** Starts listening to `client`'s connection events. */
  static track(client: RedisClient): ConnectionErrors {
    const errors = new ConnectionErrors();
    client.on('error', (error: Error) => errors.remember(CLIENT_CONNECTION, error));
    client.on('ready', () => errors.forget(CLIENT_CONNECTION));
    if (client instanceof Cluster) {
      client.on('node error', (error: Error, node: string) => {
        // A slot refresh that timed out on a node says it is slow, not why its connection is down.
        if (!isCommandTimeout(error)) errors.remember(node, error);
      });
      const followNode = (redis: Redis) => redis.on('ready', () => errors.forget(nodeKey(redis)));
      client.on('+node', followNode);
      client.on('-node', (redis: Redis) => errors.forget(nodeKey(redis)));
      for (const redis of client.nodes('all')) followNode(redis);
    }
    return errors;
  }

  remember(connection: string, error: Error): void {
    // Re-inserted, so the map's order stays the order of the latest errors.
    this.#byConnection.delete(connection);
    this.#byConnection.set(connection, error);
  }

  forget(connection: string): void {
    this.#byConnection.delete(connection);
  }

  /** Whether a connection that has not been ready since failed with such an error. */
  some(matches: (error: Error) => boolean): boolean {
    return [...this.#byConnection.values()].some(matches);
  }

  /** The most recent error of a connection that has not been ready since. */
  get latest(): Error | undefined {
    let latest: Error | undefined;
    for (const error of this.#byConnection.values()) latest = error;
    return latest;
  }
}

/** The key ioredis names a cluster node by in `node error` events: host:port. */
function nodeKey(redis: Redis): string {
  return `${redis.options.host}:${redis.options.port}`;
}
