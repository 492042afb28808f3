import { idealMissRatio } from './ideal-cache.js';
import type { BenchResults, SystemLambdaResult } from './results.js';
import { STEADY_STATE_TITLE } from './steady-state-table.js';

export interface ReportTable {
  readonly title: string;
  readonly note?: string;
  readonly headers: readonly string[];
  /** Right-aligned columns (numbers). */
  readonly numeric: readonly boolean[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

export const ms = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
export const pct = (ratio: number) => `${(100 * ratio).toFixed(1)} %`;
export const int = (value: number) => Math.round(value).toLocaleString('en-US');
const trio = (s: { p50Ms: number; p95Ms: number; p99Ms: number; count: number }) =>
  s.count ? `${ms(s.p50Ms)} / ${ms(s.p95Ms)} / ${ms(s.p99Ms)}` : '–';

/** Share of no-cache read units a system did not spend (per 1,000 reads, same workload). */
export function savedRatio(
  results: readonly SystemLambdaResult[],
  system: SystemLambdaResult,
  phase: 'zipf' | 'uniform',
) {
  const baseline = results.find((r) => r.system === 'no-cache')?.[phase].readUnitsPer1000Reads;
  return baseline ? 1 - system[phase].readUnitsPer1000Reads / baseline : undefined;
}

export function table(title: string, headers: string[], rows: string[][], note?: string): ReportTable {
  const numeric = headers.map(
    (_, column) => column > 0 && rows.every((row) => /^[–\d.,\s%/×≤✓✗()+-]*$/.test(row[column] ?? '')),
  );
  return { title, headers, numeric, rows, ...(note ? { note } : {}) };
}

export function lambdaTables(
  results: BenchResults,
  lambda: readonly SystemLambdaResult[],
  heading: string,
): ReportTable[] {
  const { plan } = results;
  const zipf = table(
    `${heading}: Zipf (s = ${plan.zipfExponent}) over ${int(plan.itemCount)} items, steady state at low reads per TTL`,
    [
      'system',
      'reads/s',
      'hit ratio',
      'hit p50 / p95 / p99 ms',
      'miss p50 / p95 / p99 ms',
      'read units / 1,000 reads',
      'saved vs no cache',
      'ideal TTL cache would save',
      'errors',
    ],
    lambda.map((r) => {
      const saved = savedRatio(lambda, r, 'zipf');
      return [
        r.label,
        int(r.zipf.readsPerSecond),
        pct(r.zipf.hitRatio),
        trio(r.zipf.latency.hit),
        trio(r.zipf.latency.miss),
        r.zipf.readUnitsPer1000Reads.toFixed(1),
        saved === undefined ? '–' : pct(saved),
        r.system === 'no-cache'
          ? '–'
          : pct(1 - idealMissRatio(r.zipf.readsPerTtl, plan.itemCount, plan.zipfExponent)),
        int(r.zipf.errors),
      ];
    }),
    `${plan.workers} worker processes, each one request at a time. TTL scaled from ${plan.productionTtlSeconds} s to ${plan.ttlSeconds} s; one TTL of warm-up, then one TTL measured: a few hundred to a few thousand reads per TTL, so the share saved is bounded by the "ideal" column (what a perfect TTL cache saves at the same reads per TTL; model, see bench/README.md). Latency and behaviour at low reads per TTL; the 95 % target is judged on the ${STEADY_STATE_TITLE} table. "miss" for no cache is every read.`,
  );
  const noCacheP99 = lambda.find((r) => r.system === 'no-cache')?.zipf.latency.all.p99Ms;
  const others = table(
    `${heading}: stampede, uniform, writes, Redis outage`,
    [
      'system',
      'stampede: DynamoDB reads of the cold key',
      'uniform: hit ratio',
      'uniform: saved vs no cache',
      'write mix: stale reads',
      'write mix: errors',
      'Redis down: errors / reads',
      'Redis down: p99 ms',
      'target p99 ms',
      'init ms',
    ],
    lambda.map((r) => {
      const saved = savedRatio(lambda, r, 'uniform');
      const down = r.outage?.whileDown;
      return [
        r.label,
        `${r.stampede.getItems} of ${r.stampede.requests}`,
        pct(r.uniform.hitRatio),
        saved === undefined ? '–' : pct(saved),
        `${int(r.writeMix.staleReads)} of ${int(r.writeMix.reads)}`,
        int(r.writeMix.errors),
        down ? `${int(down.errors)} / ${int(down.reads)}` : '–',
        down ? ms(down.latency.p99Ms) : '–',
        down && noCacheP99 !== undefined ? `≤ ${ms(noCacheP99 + plan.redisTimeoutMs)}` : '–',
        ms(r.initMs),
      ];
    }),
    `Stampede: ${plan.stampedeRequestsPerWorker} reads per worker of one cold key, the first ${plan.workers} at once. Write mix: Zipf reads with ${pct(plan.writeFraction)} writes; a stale read returns a version older than one already acknowledged. Redis down: killed a third into a ${plan.phaseSeconds} s Zipf phase, restarted (empty) a third later; the reads in flight at any moment it was down; target = no-cache p99 + the ${plan.redisTimeoutMs} ms Redis timeout. Init: process start to ready.`,
  );
  return [zipf, others];
}

export function distanceTable(results: BenchResults): ReportTable {
  const { distance } = results;
  const raw = results.lambda.distance;
  const headers = [
    'system',
    'Redis commands per hit / miss',
    'GetItem per miss',
    'modelled hit p50 / p99 ms',
    'modelled miss p50 / p99 ms',
  ];
  if (raw) headers.push('raw hit p50 / p99 ms', 'raw miss p50 / p99 ms', 'raw reads/s');
  return table(
    `At a distance: DynamoDB ${distance.dynamoDbRoundTripMs} ms and Redis ${distance.redisRoundTripMs} ms round trips`,
    headers,
    results.lambda.local.map((r) => {
      const {
        redisCommandsPerHit: hitCmds,
        redisCommandsPerMiss: missCmds,
        getItemsPerMiss,
        missCommands,
      } = r.calibration;
      const missMix = Object.entries(missCommands)
        .map(([command, calls]) => `${command} ${calls.toFixed(1)}`)
        .join(', ');
      const hit = r.zipf.latency.hit;
      const miss = r.zipf.latency.miss;
      const hitAdd = hitCmds * distance.redisRoundTripMs;
      const missAdd = missCmds * distance.redisRoundTripMs + getItemsPerMiss * distance.dynamoDbRoundTripMs;
      const row = [
        r.label,
        `${hitCmds.toFixed(1)} / ${missCmds.toFixed(1)}${missMix ? ` (miss: ${missMix})` : ''}`,
        getItemsPerMiss.toFixed(2),
        hit.count ? `${ms(hit.p50Ms + hitAdd)} / ${ms(hit.p99Ms + hitAdd)}` : '–',
        miss.count ? `${ms(miss.p50Ms + missAdd)} / ${ms(miss.p99Ms + missAdd)}` : '–',
      ];
      const far = raw?.find((candidate) => candidate.system === r.system);
      if (far) {
        const h = far.zipf.latency.hit;
        const m = far.zipf.latency.miss;
        row.push(
          h.count ? `${ms(h.p50Ms)} / ${ms(h.p99Ms)}` : '–',
          m.count ? `${ms(m.p50Ms)} / ${ms(m.p99Ms)}` : '–',
          int(far.zipf.readsPerSecond),
        );
      }
      return row;
    }),
    'MODELLED: the local Zipf percentiles plus, per request, the commands and GetItems counted for one hit and one miss (one sequential calibration pass) times the round trips; it assumes one round trip per command (an upper bound where a client pipelines). ' +
      (raw
        ? 'RAW: the same workloads run through TCP delay proxies (BENCH_NETWORK=1); timers add up to ~1 ms per hop, so raw sub-millisecond distances read high.'
        : 'RAW figures: run with BENCH_NETWORK=1.'),
  );
}

export function httpTable(results: BenchResults): ReportTable {
  const floor = results.http.find((r) => r.system === 'floor');
  const ratio = (value: number, base: number | undefined) => (base ? `${(value / base).toFixed(2)}×` : '–');
  return table(
    'HTTP: cache hits through one server process',
    [
      'system',
      'hit p50 / p95 / p99 ms (1 connection)',
      '× floor p50',
      'req/s (32 connections)',
      '× floor req/s',
      'p50 / p99 ms (32 connections)',
      'X-Cache',
      'failures',
    ],
    results.http.map((r) => [
      r.label,
      `${ms(r.sequential.p50Ms)} / ${ms(r.sequential.p95Ms ?? 0)} / ${ms(r.sequential.p99Ms)}`,
      ratio(r.sequential.p50Ms, floor?.sequential.p50Ms),
      int(r.concurrent.requestsPerSecond),
      ratio(r.concurrent.requestsPerSecond, floor?.concurrent.requestsPerSecond),
      `${ms(r.concurrent.p50Ms)} / ${ms(r.concurrent.p99Ms)}`,
      Object.entries(r.concurrent.outcomes)
        .map(([outcome, count]) => `${outcome} ${int(count)}`)
        .join(', '),
      int(r.sequential.failures + r.concurrent.failures),
    ]),
    "The 100 hottest items, read once to fill the cache, then one connection (each request timed, HdrHistogram) and 32 connections (autocannon). Aside is its own local server (npm start's code) on the same Redis and dynalite; the others are their adapters behind node:http.",
  );
}

export function hitPathTable(results: BenchResults): ReportTable {
  const { bareGet, engineHit } = results.engineVsRedis;
  return table(
    "In process: Aside's engine hit vs a bare Redis GET (same ioredis client)",
    ['operation', 'ops', 'p50 µs', 'p99 µs', 'mean µs'],
    [
      ['bare Redis GET', int(bareGet.count), int(bareGet.p50Us), int(bareGet.p99Us), int(bareGet.meanUs)],
      [
        'engine hit (GET + decode + freshness)',
        int(engineHit.count),
        int(engineHit.p50Us),
        int(engineHit.p99Us),
        int(engineHit.meanUs),
      ],
      [
        'ratio (engine / bare)',
        '',
        (engineHit.p50Us / bareGet.p50Us).toFixed(2),
        (engineHit.p99Us / bareGet.p99Us).toFixed(2),
        (engineHit.meanUs / bareGet.meanUs).toFixed(2),
      ],
    ],
  );
}

export function bundleTable(results: BenchResults): ReportTable {
  const init = new Map(results.lambda.local.map((r) => [r.system, r.initMs]));
  return table(
    'Bundle size and init',
    [
      'system',
      'what',
      'JavaScript KiB',
      'loaded at cold start KiB',
      'compressed KiB',
      'init ms (median worker)',
    ],
    results.bundles.map((b) => [
      b.label,
      b.what,
      (b.javascriptBytes / 1024).toFixed(0),
      (b.coldStartBytes / 1024).toFixed(0),
      (b.compressedBytes / 1024).toFixed(0),
      init.has(b.system) ? ms(init.get(b.system) ?? 0) : '–',
    ]),
    "Minified ESM built like the Lambda functions (scripts/build-function.ts). Init: from process start (Node boot included) to the system ready to serve, on the workers' Node.",
  );
}

export function targetLines(results: BenchResults): string[] {
  const local = results.lambda.local;
  const aside = local.find((r) => r.system === 'aside');
  if (!aside) return [];
  const mark = (ok: boolean) => (ok ? '✓ met' : '✗ not met');
  const saved = savedRatio(local, aside, 'zipf');
  const noCacheP99 = local.find((r) => r.system === 'no-cache')?.zipf.latency.all.p99Ms;
  const down = aside.outage?.whileDown;
  const steady = results.steadyState.find((r) => r.system === 'aside');
  const lowIdeal =
    1 - idealMissRatio(aside.zipf.readsPerTtl, results.plan.itemCount, results.plan.zipfExponent);
  const lowTtl = `at the Lambda-like phase's ${int(aside.zipf.readsPerTtl)} reads per TTL: ${saved === undefined ? 'no baseline' : pct(saved)}, ideal ${pct(lowIdeal)}`;
  const lines = [
    steady
      ? `Read units saved on Zipf ≥ 95 %, ${STEADY_STATE_TITLE}: ${pct(steady.savedRatio)} — ${mark(steady.savedRatio >= 0.95)} (TTL scaled to ${steady.ttlSeconds} s, ${int(steady.readsPerTtl)} reads per TTL; an ideal TTL cache would save ${pct(steady.idealSavedRatio)} there; ${lowTtl}).`
      : `Read units saved on Zipf ≥ 95 %, ${STEADY_STATE_TITLE}: not measured (BENCH_STEADY_SYSTEMS); ${lowTtl}.`,
    `≤ 2 DynamoDB reads for the stampede key (${results.plan.workers} workers): ${aside.stampede.getItems} — ${mark(aside.stampede.getItems <= 2)}.`,
  ];
  if (down && noCacheP99 !== undefined) {
    const limit = noCacheP99 + results.plan.redisTimeoutMs;
    lines.push(
      `Zero errors while Redis is down: ${down.errors} — ${mark(down.errors === 0)}; p99 then ≤ no-cache p99 + Redis timeout (${ms(limit)} ms): ${ms(down.latency.p99Ms)} ms — ${mark(down.latency.p99Ms <= limit)}.`,
    );
  }
  const floor = results.http.find((r) => r.system === 'floor');
  const asideHttp = results.http.find((r) => r.system === 'aside');
  const { bareGet, engineHit } = results.engineVsRedis;
  lines.push(
    `Hit through the engine ≤ 2× a bare Redis GET (p50): ${(engineHit.p50Us / bareGet.p50Us).toFixed(2)}× — ${mark(engineHit.p50Us <= 2 * bareGet.p50Us)} (in process; for the hit-path work).`,
  );
  if (floor && asideHttp) {
    const share = asideHttp.concurrent.requestsPerSecond / floor.concurrent.requestsPerSecond;
    lines.push(
      `Local hit throughput ≥ 0.85× the floor server: ${share.toFixed(2)}× — ${mark(share >= 0.85)} (for the hit-path work).`,
    );
  }
  return lines;
}
