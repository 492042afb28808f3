import { measureBundleSizes } from './bundle-sizes.js';
import { measureEngineVsRedis } from './engine-vs-redis.js';
import { type HttpRunResult, runConcurrentHttp, runSequentialHttp } from './http-load.js';
import { startLocalServer } from './local-server-process.js';

/**
 * `npm run bench`: hits and misses through the local HTTP server (npm start in a child process, with
 * dynalite and a redis-server child), the engine's hit against a bare Redis GET, and bundle sizes.
 * BENCH_SECONDS sets each HTTP run's length (default 5).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const HOT_PRODUCTS = 100;
/** Enough distinct products that every miss run reads ids never read before. */
const CATALOG_SIZE = 20_000;
const LOAD_CONNECTIONS = 32;
const ENGINE_ROUNDS = 10;

function productId(index: number): string {
  return `prod-${String(index).padStart(4, '0')}`;
}

function cycle(from: number, count: number): () => string {
  let i = 0;
  return () => productId(from + (i++ % count));
}

function unread(from: number, until: number): () => string {
  let next = from;
  return () => {
    if (next > until) throw new Error('the miss run ran out of unread products: raise CATALOG_SIZE');
    return productId(next++);
  };
}

async function httpRuns(): Promise<HttpRunResult[]> {
  process.stderr.write(`starting the local stack with ${CATALOG_SIZE} products…\n`);
  const server = await startLocalServer({ LOCAL_CATALOG_SIZE: String(CATALOG_SIZE) });
  try {
    const warm = cycle(1, HOT_PRODUCTS);
    for (let i = 0; i < HOT_PRODUCTS; i++) await fetch(`${server.url}/product/${warm()}`);
    const hit = await fetch(`${server.url}/product/${productId(1)}`);
    if (hit.headers.get('x-cache') !== 'HIT') throw new Error('hot products are not cached after warm-up');

    const misses = unread(HOT_PRODUCTS + 1, CATALOG_SIZE);
    const common = { url: server.url, seconds: SECONDS };
    const loaded = { ...common, connections: LOAD_CONNECTIONS };
    process.stderr.write(`HTTP runs, ${SECONDS} s each…\n`);
    return [
      await runSequentialHttp({ ...common, label: 'hit', nextId: cycle(1, HOT_PRODUCTS) }),
      await runSequentialHttp({ ...common, label: 'miss', nextId: misses }),
      await runConcurrentHttp({ ...loaded, label: 'hit', nextId: cycle(1, HOT_PRODUCTS) }),
      await runConcurrentHttp({ ...loaded, label: 'miss', nextId: misses }),
    ];
  } finally {
    await server.stop();
  }
}

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

const http = await httpRuns();
process.stderr.write('engine hit vs bare Redis GET…\n');
const engine = await measureEngineVsRedis(ENGINE_ROUNDS);
process.stderr.write('bundle sizes…\n');
const bundles = measureBundleSizes();

const lines = [
  `## Aside benchmark (${new Date().toISOString()}, Node ${process.version})`,
  '',
  'HTTP through the local server (1 connection: sequential, hdr-timed; more: autocannon):',
  '',
  row(['run', 'connections', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'X-Cache', 'failures']),
  row(['---', '---:', '---:', '---:', '---:', '---:', '---', '---:']),
  ...http.map((r) =>
    row([
      r.label,
      r.connections,
      r.requests,
      Math.round(r.requestsPerSecond),
      r.p50Ms.toFixed(2),
      r.p99Ms.toFixed(2),
      Object.entries(r.outcomes)
        .map(([outcome, count]) => `${outcome} ${count}`)
        .join(', '),
      r.failures,
    ]),
  ),
  '',
  'In process, same ioredis client (µs):',
  '',
  row(['operation', 'ops', 'p50 µs', 'p99 µs', 'mean µs']),
  row(['---', '---:', '---:', '---:', '---:']),
  row([
    'bare Redis GET',
    engine.bareGet.count,
    engine.bareGet.p50Us,
    engine.bareGet.p99Us,
    engine.bareGet.meanUs,
  ]),
  row([
    'engine hit (GET + decode + freshness)',
    engine.engineHit.count,
    engine.engineHit.p50Us,
    engine.engineHit.p99Us,
    engine.engineHit.meanUs,
  ]),
  '',
  'Lambda bundles (npm run build):',
  '',
  row(['function', 'files', 'JavaScript KiB', 'compressed KiB']),
  row(['---', '---:', '---:', '---:']),
  ...bundles.map((b) =>
    row([b.name, b.files, (b.javascriptBytes / 1024).toFixed(0), (b.compressedBytes / 1024).toFixed(0)]),
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
