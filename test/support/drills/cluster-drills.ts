import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Drill } from './drill.js';
import { REDIS_FAULT_ENV } from './drill-settings.js';

/** How long a failover may take at the drill's node timeout (1 s) before the drill gives up. */
const FAILOVER_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

/**
 * A master of the three is SIGKILLed; its replica takes over its slots (as ElastiCache fails over),
 * then the old master is started again and rejoins as a replica. Reads of its slots bypass the cache
 * until the failover; the breaker has a circuit per master, but a read of another master's item may
 * still bypass while the client refreshes its slot map. The killed master is not the seed the client was given: ElastiCache's configuration
 * endpoint always resolves to live nodes.
 */
export const clusterMasterLostDrill: Drill = {
  name: 'Redis Cluster master lost (failover to its replica)',
  redis: 'cluster',
  env: REDIS_FAULT_ENV,
  idClasses: ['fresh', 'uncached', 'missing'],
  async inject(stack) {
    const cluster = stack.cluster;
    if (!cluster) throw new Error('this drill runs on a Redis Cluster');
    const [survivor, lost] = cluster.nodes;
    const replica = cluster.replicas[1];
    if (!survivor || !lost || !replica) throw new Error('the drill needs three masters with replicas');
    await lost.kill();
    return {
      clear: async () => {
        await waitForFailover(survivor.port, replica.port);
        await lost.restart();
      },
    };
  },
  promises: {
    duringFault: {
      fresh: ['HIT', 'BYPASS'],
      stale: ['HIT', 'BYPASS'],
      uncached: ['BYPASS', 'MISS', 'HIT'],
      missing: ['HIT', 'BYPASS'],
    },
    seenDuringFault: ['BYPASS'],
    afterRecovery: ['HIT'],
    refilled: ['uncached'],
    breakerOpens: false,
  },
};

/** Resolves once the replica is a master and the cluster, seen from a surviving master, is whole again. */
async function waitForFailover(survivorPort: number, replicaPort: number): Promise<void> {
  const options = { maxRetriesPerRequest: 0, connectTimeout: 1_000, commandTimeout: 1_000 };
  const survivor = new Redis(survivorPort, '127.0.0.1', options);
  const replica = new Redis(replicaPort, '127.0.0.1', options);
  try {
    const deadline = Date.now() + FAILOVER_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const [role, state] = await Promise.all([
        replica.info('replication'),
        survivor.call('CLUSTER', 'INFO'),
      ]);
      if (role.includes('role:master') && String(state).includes('cluster_state:ok')) return;
      await sleep(POLL_MS);
    }
    throw new Error(`no failover within ${FAILOVER_TIMEOUT_MS} ms`);
  } finally {
    survivor.disconnect();
    replica.disconnect();
  }
}

export const CLUSTER_DRILLS: readonly Drill[] = [clusterMasterLostDrill];
