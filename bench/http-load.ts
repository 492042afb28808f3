import autocannon from 'autocannon';
import { LatencyHistogram } from './latency-histogram.js';

export interface HttpRunResult {
  readonly label: string;
  readonly connections: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  /** Sequential runs only: autocannon reports no 95th percentile. */
  readonly p95Ms?: number;
  readonly p99Ms: number;
  /** How the server said it answered (the X-Cache header), so a "hit" run is known to have hit. */
  readonly outcomes: Record<string, number>;
  readonly failures: number;
}

interface HttpRunOptions {
  readonly label: string;
  readonly url: string;
  readonly seconds: number;
  readonly nextId: () => string;
}

/** One request at a time, each timed with sub-millisecond resolution: the latency a lone caller sees. */
export async function runSequentialHttp(options: HttpRunOptions): Promise<HttpRunResult> {
  const latency = new LatencyHistogram();
  const outcomes: Record<string, number> = {};
  let failures = 0;
  const endAt = Date.now() + options.seconds * 1000;
  while (Date.now() < endAt) {
    await latency.time(async () => {
      const response = await fetch(`${options.url}/product/${options.nextId()}`);
      await response.arrayBuffer();
      tally(outcomes, response.headers.get('x-cache'));
      if (response.status !== 200) failures += 1;
    });
  }
  const { p50Us, p95Us, p99Us, count } = latency.summary();
  return {
    label: options.label,
    connections: 1,
    requests: count,
    requestsPerSecond: count / options.seconds,
    p50Ms: p50Us / 1000,
    p95Ms: p95Us / 1000,
    p99Ms: p99Us / 1000,
    outcomes,
    failures,
  };
}

/** Many connections at once with autocannon: the throughput the server sustains and its latency then. */
export async function runConcurrentHttp(options: HttpRunOptions & { readonly connections: number }) {
  const outcomes: Record<string, number> = {};
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: `/product/${options.nextId()}` }),
        onResponse: (_status, _body, _context, headers) => tally(outcomes, headers?.['x-cache']),
      },
    ],
  });
  return {
    label: options.label,
    connections: options.connections,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    outcomes,
    failures: result.non2xx + result.errors + result.timeouts,
  } satisfies HttpRunResult;
}

function tally(outcomes: Record<string, number>, header: unknown): void {
  const outcome = typeof header === 'string' ? header : 'none';
  outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
}
