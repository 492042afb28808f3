import { Cluster, type Redis } from 'ioredis';
import type { HealthProbe } from '../../health/health-probe.js';
import type { CacheMemory, CacheNodeReport, CacheReport } from '../../health/health-report.js';
import type { RedisClient } from './create-redis-client.js';
import { infoFigures, memoryOf, parseInfo } from './redis-info.js';

/**
 * Reachability, round trip, memory, evictions and eviction policy of the Redis the store uses, on the
 * store's own client (so its connection, TLS and AUTH are what is checked). INFO and PING only:
 * ElastiCache refuses CONFIG, and the functions' ACL allows these two (modules/cache allowed_commands).
 * Commands are bounded by the client's command timeout; a disconnected client refuses at once.
 */
export class RedisHealthProbe implements HealthProbe<CacheReport> {
  constructor(private readonly client: RedisClient) {}

  async check(): Promise<CacheReport> {
    if (!(this.client instanceof Cluster)) {
      return { kind: 'redis', ...(await checkNode(this.client)) };
    }
    const masters = this.client.nodes('master');
    if (masters.length === 0) {
      return {
        kind: 'redis',
        status: 'down',
        error: `no cluster master known yet (client ${this.client.status})`,
      };
    }
    const nodes = await Promise.all(
      masters.map(async (node) => ({
        address: `${node.options.host}:${node.options.port}`,
        ...(await checkNode(node)),
      })),
    );
    return { kind: 'redis', ...aggregate(nodes) };
  }
}

async function checkNode(node: Redis): Promise<Omit<CacheNodeReport, 'address'>> {
  try {
    const started = performance.now();
    // Sent together on one connection: PING's reply comes first, so it times the round trip alone.
    const [roundTripMs, info] = await Promise.all([
      node.ping().then(() => performance.now() - started),
      node.info('memory', 'stats'),
    ]);
    return { status: 'up', roundTripMs: tenths(roundTripMs), ...infoFigures(parseInfo(info)) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { status: 'down', error: `${reason} (connection ${node.status})` };
  }
}

/** A cluster is up when every master is: a down master's slots all bypass the cache. */
function aggregate(nodes: readonly CacheNodeReport[]): Omit<CacheReport, 'kind'> {
  const down = nodes.filter((node) => node.status === 'down');
  const policies = new Set(nodes.flatMap((node) => node.evictionPolicy ?? []));
  const times = nodes.flatMap((node) => node.roundTripMs ?? []);
  const memory = totalMemory(nodes);
  const evicted = nodes.flatMap((node) => node.evictedKeys ?? []);
  return {
    status: down.length === 0 ? 'up' : 'down',
    ...(down.length === 0 ? {} : { error: `${down.length} of ${nodes.length} masters down` }),
    ...(times.length === 0 ? {} : { roundTripMs: Math.max(...times) }),
    ...(memory ? { memory } : {}),
    ...(evicted.length === 0 ? {} : { evictedKeys: evicted.reduce((sum, count) => sum + count, 0) }),
    ...(policies.size === 0 ? {} : { evictionPolicy: policies.size === 1 ? [...policies][0] : 'mixed' }),
    nodes,
  };
}

/** Sums over the masters that answered; the percentage is the fullest master's, where eviction starts. */
function totalMemory(nodes: readonly CacheNodeReport[]): CacheMemory | undefined {
  const answered = nodes.flatMap((node) => node.memory ?? []);
  if (answered.length === 0) return undefined;
  const used = answered.reduce((sum, memory) => sum + memory.usedBytes, 0);
  const limited = answered.every((memory) => memory.maxBytes !== null);
  const max = limited ? answered.reduce((sum, memory) => sum + (memory.maxBytes ?? 0), 0) : undefined;
  const fullest = Math.max(...answered.map((memory) => memory.usedPercent ?? 0));
  return { ...memoryOf(used, max), ...(limited ? { usedPercent: fullest } : {}) };
}

function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}
