import { sampleProductId } from '../../src/local/sample-catalog.js';
import { type HttpRunResult, runConcurrentHttp, runSequentialHttp } from '../http-load.js';

export interface HttpSuiteResult {
  /** One connection, one request at a time, each timed (HdrHistogram): a lone caller's hit latency. */
  readonly sequential: HttpRunResult;
  /** Many connections (autocannon): the hit throughput one server process sustains. */
  readonly concurrent: HttpRunResult;
}

export interface HttpPlan {
  readonly hotItems: number;
  readonly seconds: number;
  readonly connections: number;
}

/** Hits through one HTTP server: the hot set is read once to fill the cache, then measured. */
export async function runHttpSuite(url: string, plan: HttpPlan): Promise<HttpSuiteResult> {
  const hot = () => {
    let next = 0;
    return () => sampleProductId(1 + (next++ % plan.hotItems));
  };
  const warm = hot();
  for (let i = 0; i < plan.hotItems; i++) await (await fetch(`${url}/product/${warm()}`)).arrayBuffer();
  const common = { url, seconds: plan.seconds };
  return {
    sequential: await runSequentialHttp({ ...common, label: 'hit, 1 connection', nextId: hot() }),
    concurrent: await runConcurrentHttp({
      ...common,
      label: `hit, ${plan.connections} connections`,
      connections: plan.connections,
      nextId: hot(),
    }),
  };
}
