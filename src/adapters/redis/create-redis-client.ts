import { Cluster, Redis } from 'ioredis';
import {
  buildClusterOptions,
  buildStandaloneOptions,
  parseRedisEndpoint,
  type RedisConnectionSettings,
} from './redis-client-options.js';

export type RedisClient = Redis | Cluster;

/** Builds the one client an execution environment uses; it connects lazily and never queues offline. */
export function createRedisClient(settings: RedisConnectionSettings): RedisClient {
  if (settings.mode === 'cluster') {
    return new Cluster([parseRedisEndpoint(settings.url)], buildClusterOptions(settings));
  }
  return new Redis(buildStandaloneOptions(settings));
}
