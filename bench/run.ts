import { sampleProductId } from '../src/local/sample-catalog.js';
import { measureBundleSizes } from './bundle-sizes.js';
import { measureEngineVsRedis } from './engine-vs-redis.js';
import { type HttpRunResult, runConcurrentHttp, runSequentialHttp } from './http-load.js';
import { startLocalServer } from './local-server-process.js';
import { zipfSampler } from './zipf.js';

/**
 * `npm run bench`: hits and misses through the local HTTP server (npm start in a child process, with
 * dynalite and a redis-server child), the engine's hit against a bare Redis GET, and bundle sizes.
 * BENCH_SECONDS sets each HTTP run's length (default 5).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const HOT_PRODUCTS = 100;
/** Products the miss runs read, each once: ids never read before. */
const MISS_RANGE = { from: HOT_PRODUCTS + 1, to: 12_000 };
/** Products the skewed run reads, Zipf-distributed (s = 1), none cached when it starts. */
const SKEWED_RANGE = { from: 12_001, to: 20_000 };
const CATALOG_SIZE = SKEWED_RANGE.to;
const ZIPF_EXPONENT = 1;
const ZIPF_SEED = 20_261_127;
/** What one eventually consistent GetItem of an item up to 4 KB costs. */
const READ_UNITS_PER_GET = 0.5;
const LOAD_CONNECTIONS = 32;
const ENGINE_ROUNDS = 10;

function cycle(from: number, count: number): () => string {
  let i = 0;
  return () => sampleProductId(from + (i++ % count));
}

function unread(from: number, until: number): () => string {
  let next = from;
  return () => {
    if (next > until) throw new Error('the miss runs ran out of unread products: widen MISS_RANGE');
    return sampleProductId(next++);
  };
}

interface MeasuredRun extends HttpRunResult {
  /** DynamoDB read units the server reported consuming during the run (its EMF metrics). */
  readonly readUnits: number;
}

async function httpRuns(): Promise<MeasuredRun[]> {
  process.stderr.write(`starting the local stack with ${CATALOG_SIZE} products…\n`);
  const server = await startLocalServer({ LOCAL_CATALOG_SIZE: String(CATALOG_SIZE) });
  try {
    const warm = cycle(1, HOT_PRODUCTS);
    for (let i = 0; i < HOT_PRODUCTS; i++) await fetch(`${server.url}/product/${warm()}`);
    const hit = await fetch(`${server.url}/product/${sampleProductId(1)}`);
    if (hit.headers.get('x-cache') !== 'HIT') throw new Error('hot products are not cached after warm-up');

    const misses = unread(MISS_RANGE.from, MISS_RANGE.to);
    const skewedRank = zipfSampler(SKEWED_RANGE.to - SKEWED_RANGE.from + 1, ZIPF_EXPONENT, ZIPF_SEED);
    const common = { url: server.url, seconds: SECONDS };
    const loaded = { ...common, connections: LOAD_CONNECTIONS };
    process.stderr.write(`HTTP runs, ${SECONDS} s each…\n`);
    const withReadUnits = async (run: () => Promise<HttpRunResult>): Promise<MeasuredRun> => {
      const before = server.metrics.snapshot();
      const result = await run();
      return { ...result, readUnits: server.metrics.since(before)('DynamoDBReadUnits') };
    };
    return [
      await withReadUnits(() =>
        runSequentialHttp({ ...common, label: 'hit', nextId: cycle(1, HOT_PRODUCTS) }),
      ),
      await withReadUnits(() => runSequentialHttp({ ...common, label: 'miss', nextId: misses })),
      await withReadUnits(() =>
        runConcurrentHttp({ ...loaded, label: 'hit', nextId: cycle(1, HOT_PRODUCTS) }),
      ),
      await withReadUnits(() => runConcurrentHttp({ ...loaded, label: 'miss', nextId: misses })),
      await withReadUnits(() =>
        runConcurrentHttp({
          ...loaded,
          label: 'skewed (Zipf)',
          nextId: () => sampleProductId(SKEWED_RANGE.from + skewedRank() - 1),
        }),
      ),
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
  row([
    'run',
    'connections',
    'requests',
    'req/s',
    'p50 ms',
    'p99 ms',
    'X-Cache',
    'failures',
    'read units',
    'saved',
  ]),
  row(['---', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:', '---:']),
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
      r.readUnits,
      `${(100 * (1 - r.readUnits / (r.requests * READ_UNITS_PER_GET))).toFixed(1)}%`,
    ]),
  ),
  '',
  `"saved": read units not spent compared with reading DynamoDB on every request (${READ_UNITS_PER_GET} per GetItem).`,
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
  row(['function', 'files', 'JavaScript KiB', 'loaded at cold start KiB', 'compressed KiB']),
  row(['---', '---:', '---:', '---:', '---:']),
  ...bundles.map((b) =>
    row([
      b.name,
      b.files,
      (b.javascriptBytes / 1024).toFixed(0),
      (b.coldStartBytes / 1024).toFixed(0),
      (b.compressedBytes / 1024).toFixed(0),
    ]),
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
