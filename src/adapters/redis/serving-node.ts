import { Cluster, Command } from 'ioredis';
import type { RedisClient } from './create-redis-client.js';

/** The master serving `key`'s slot as the client last learned the slot map (`host:port`); '' before it knows. */
export function servingNode(cluster: Cluster, key: string): string {
  return cluster.slots[new Command('get', [key]).getSlot()]?.[0] ?? '';
}

/**
 * What the circuit breaker keys its circuits by: on a cluster, the master serving the key, so one lost
 * master opens only its own circuit; a standalone Redis is one partition. `client` is read per call: a
 * token rotation replaces the client.
 */
export function partitionByServingNode(client: () => RedisClient): (key: string) => string {
  return (key) => {
    const current = client();
    return current instanceof Cluster ? servingNode(current, key) : '';
  };
}
