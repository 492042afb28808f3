import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createRedisClient } from '../../src/adapters/redis/create-redis-client.js';
import { RedisCacheStore } from '../../src/adapters/redis/redis-cache-store.js';
import type { RedisConnectionSettings } from '../../src/adapters/redis/redis-client-options.js';
import { findFreePort } from '../../src/local/free-port.js';
import { type RedisServerProcess, startRedisServer } from '../../src/local/redis-server-process.js';

const CLUSTER_SLOT_COUNT = 16_384;
const CLUSTER_MASTER_COUNT = 3;
const CLUSTER_READY_TIMEOUT_MS = 15_000;
const DEFAULT_CLUSTER_NODE_TIMEOUT_MS = 5_000;
const POLL_INTERVAL_MS = 50;
export const TEST_CONNECT_TIMEOUT_MS = 500;
// Generous, so a busy 2-core machine never fails a test about semantics; fault tests pass the 150 ms default.
export const TEST_COMMAND_TIMEOUT_MS = 1_000;
// Connecting to a cluster also fetches its slot map, so allow it more than one connect timeout.
const STORE_READY_TIMEOUT_MS = 5_000;

/** One real redis-server the test owns, with the faults tests can cause to it. */
export interface TestRedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: the port closes, connections reset. */
  kill(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a hung or overloaded server). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Starts a fresh (empty) server on the same port with the same arguments. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestRedisCluster {
  /** A seed URL; the client discovers the other masters from it. */
  readonly url: string;
  /** The masters, each serving a third of the slots. */
  readonly nodes: readonly TestRedisServer[];
  /** `replicas[i]` replicate `nodes[i]` (empty unless asked for): a lost master then fails over. */
  readonly replicas: readonly TestRedisServer[];
  stop(): Promise<void>;
}

export interface TestRedisClusterOptions {
  /** One replica per master, as ElastiCache runs a cluster: a lost master fails over to it. */
  readonly withReplicas?: boolean;
  /** cluster-node-timeout: how long a silent node takes to be declared failed (and failed over). */
  readonly nodeTimeoutMs?: number;
}

/** Starts a standalone redis-server on a free port; `args` are extra redis-server arguments. */
export async function startTestRedis(args: readonly string[] = []): Promise<TestRedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'aside-redis-'));
  return startManagedServer([...args, '--dir', dir], dir);
}

/**
 * Starts three masters (and, if asked, one replica of each), assigns all slots across the masters and
 * waits until every node reports cluster_state:ok and every replica has synced with its master.
 */
export async function startTestRedisCluster(
  options: TestRedisClusterOptions = {},
): Promise<TestRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'aside-redis-cluster-'));
  const nodeTimeoutMs = options.nodeTimeoutMs ?? DEFAULT_CLUSTER_NODE_TIMEOUT_MS;
  const replicaCount = options.withReplicas ? CLUSTER_MASTER_COUNT : 0;
  const nodes: TestRedisServer[] = [];
  const replicas: TestRedisServer[] = [];
  const busPorts: number[] = [];
  try {
    for (let index = 0; index < CLUSTER_MASTER_COUNT + replicaCount; index++) {
      const { node, busPort } = await startClusterNode(dir, index, nodeTimeoutMs);
      (index < CLUSTER_MASTER_COUNT ? nodes : replicas).push(node);
      busPorts.push(busPort);
    }
    await formCluster(nodes, replicas, busPorts);
  } catch (error) {
    await Promise.all([...nodes, ...replicas].map((node) => node.stop()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const seed = nodes[0] as TestRedisServer;
  return {
    url: seed.url,
    nodes,
    replicas,
    async stop() {
      await Promise.all([...nodes, ...replicas].map((node) => node.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A connected RedisCacheStore with the production timeouts, for tests against a server they started. */
export async function openRedisStore(
  url: string,
  mode: RedisConnectionSettings['mode'] = 'standalone',
  overrides: Partial<RedisConnectionSettings> = {},
): Promise<RedisCacheStore> {
  const store = new RedisCacheStore(
    createRedisClient({
      url,
      mode,
      connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS,
      ...overrides,
    }),
  );
  await store.connect(STORE_READY_TIMEOUT_MS);
  return store;
}

export const realElapse = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function startClusterNode(dir: string, index: number, nodeTimeoutMs: number) {
  let lastError: unknown;
  // The bus port is probed before the server binds it, so another process can take it first: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    // Redis 7 lets the cluster bus use any port, so both ports come from the OS instead of port + 10000.
    const busPort = await findFreePort();
    const args = ['--dir', dir, '--cluster-enabled', 'yes', '--cluster-port', String(busPort)];
    args.push(
      '--cluster-config-file',
      `nodes-${index}.conf`,
      '--cluster-node-timeout',
      String(nodeTimeoutMs),
    );
    try {
      return { node: await startManagedServer(args), busPort };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startManagedServer(args: readonly string[], ownedDir?: string): Promise<TestRedisServer> {
  let server: RedisServerProcess = await startRedisServer({ args });
  const { port, url } = server;
  return {
    port,
    url,
    async kill() {
      await server.stop();
    },
    freeze() {
      server.child.kill('SIGSTOP');
    },
    thaw() {
      server.child.kill('SIGCONT');
    },
    async restart() {
      await server.stop();
      server = await startRedisServer({ port, args });
    },
    async stop() {
      await server.stop();
      if (ownedDir) await rm(ownedDir, { recursive: true, force: true });
    },
  };
}

async function formCluster(
  nodes: readonly TestRedisServer[],
  replicas: readonly TestRedisServer[],
  busPorts: readonly number[],
): Promise<void> {
  const everyNode = [...nodes, ...replicas];
  const admins = everyNode.map(
    (node) => new Redis(node.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 }),
  );
  const masterAdmins = admins.slice(0, nodes.length);
  try {
    const slotsPerNode = Math.ceil(CLUSTER_SLOT_COUNT / masterAdmins.length);
    await Promise.all(
      masterAdmins.map(async (admin, index) => {
        const first = index * slotsPerNode;
        const last = Math.min(first + slotsPerNode, CLUSTER_SLOT_COUNT) - 1;
        await admin.call('CLUSTER', 'ADDSLOTSRANGE', first, last);
        // Distinct epochs up front, as redis-cli --cluster create does, so nodes need not resolve collisions.
        await admin.call('CLUSTER', 'SET-CONFIG-EPOCH', index + 1);
      }),
    );
    const seed = admins[0] as Redis;
    for (let index = 1; index < everyNode.length; index++) {
      const node = everyNode[index] as TestRedisServer;
      await seed.call('CLUSTER', 'MEET', '127.0.0.1', node.port, busPorts[index] as number);
    }
    await Promise.all(admins.map((admin) => waitForClusterOk(admin, everyNode.length)));
    if (replicas.length === 0) return;
    const masterIds = await Promise.all(
      masterAdmins.map(async (admin) => String(await admin.call('CLUSTER', 'MYID'))),
    );
    const replicaAdmins = admins.slice(nodes.length);
    await Promise.all(
      replicaAdmins.map((admin, index) => admin.call('CLUSTER', 'REPLICATE', masterIds[index] as string)),
    );
    await Promise.all(replicaAdmins.map((admin) => waitForReplicaSync(admin)));
  } finally {
    for (const admin of admins) admin.disconnect();
  }
}

async function waitForReplicaSync(admin: Redis): Promise<void> {
  const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS;
  let info = '';
  while (Date.now() < deadline) {
    info = await admin.info('replication');
    if (info.includes('master_link_status:up')) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`Redis replica did not sync with its master in time:\n${info}`);
}

async function waitForClusterOk(admin: Redis, nodeCount: number): Promise<void> {
  const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS;
  let info = '';
  while (Date.now() < deadline) {
    info = String(await admin.call('CLUSTER', 'INFO'));
    if (info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${nodeCount}`)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`Redis cluster did not reach cluster_state:ok in time:\n${info}`);
}
