import type { Cluster } from 'ioredis';
import { servingNode } from './serving-node.js';

/**
 * Batch reads on a cluster, where ioredis has no cross-slot MGET and every item's keys have a slot of
 * their own (the id is the hash tag): keys are grouped by the node serving their slot and each node
 * gets one pipeline of GETs, all nodes at once. Until the client knows the slot map, each key is a GET
 * of its own, routed by ioredis.
 */
export async function getManyOnCluster(
  cluster: Cluster,
  keys: readonly string[],
): Promise<(string | null)[]> {
  if (cluster.slots.length === 0) return Promise.all(keys.map((key) => cluster.get(key)));
  const indexesByNode = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const node = servingNode(cluster, key);
    const indexes = indexesByNode.get(node);
    if (indexes) indexes.push(index);
    else indexesByNode.set(node, [index]);
  });
  const values = new Array<string | null>(keys.length).fill(null);
  await Promise.all(
    [...indexesByNode.values()].map(async (indexes) => {
      const replies = await cluster.pipeline(indexes.map((index) => ['get', keys[index] as string])).exec();
      if (replies === null) throw new Error('Redis pipeline of GETs was discarded');
      replies.forEach(([error, value], position) => {
        if (error) throw error;
        values[indexes[position] as number] = value as string | null;
      });
    }),
  );
  return values;
}
