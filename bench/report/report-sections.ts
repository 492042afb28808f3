import type { BenchResults } from './results.js';
import { steadyStateTable } from './steady-state-table.js';
import {
  bundleTable,
  distanceTable,
  hitPathTable,
  httpTable,
  lambdaTables,
  type ReportTable,
  targetLines,
} from './tables.js';

export interface ReportSections {
  readonly title: string;
  /** Machine, versions, exact command, load: what the numbers must be read with. */
  readonly context: readonly string[];
  readonly targets: readonly string[];
  readonly tables: readonly ReportTable[];
}

/** What both the Markdown and the HTML report say, in order. */
export function reportSections(results: BenchResults): ReportSections {
  const { meta, plan } = results;
  const load = (values: readonly number[]) => values.map((v) => v.toFixed(2)).join(' ');
  const raw = results.lambda.distance;
  return {
    title: `Aside benchmark, ${meta.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    context: [
      `Command: \`${meta.command}\` (${meta.seconds} s).`,
      `Machine: ${meta.machine}; load average ${load(meta.loadAverageAtStart)} at start, ${load(meta.loadAverageAtEnd)} at end (a shared machine: other work ran alongside).`,
      `Node ${meta.node.harness} (harness, dynalite), ${meta.node.workers} (workers and servers, as Lambda's nodejs22.x).`,
      `Versions: ${Object.entries(meta.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(', ')}.`,
      `${plan.workers} Lambda-like worker processes per system; TTL scaled from ${plan.productionTtlSeconds} s to ${plan.ttlSeconds} s for every system; phases of ${plan.phaseSeconds} s; a request not answered within ${plan.requestTimeoutMs} ms counts as an error.`,
      `Steady state at production-like reads per TTL: ${plan.steadyState.readsPerSecond.toLocaleString('en-US')} reads/s, TTL scaled from ${plan.productionTtlSeconds} s so that one TTL holds ${plan.steadyState.readsPerTtl.toLocaleString('en-US')} reads (the first table gives each system's TTL).`,
    ],
    targets: targetLines(results),
    tables: [
      steadyStateTable(results),
      ...lambdaTables(results, results.lambda.local, 'Lambda-like, local'),
      ...(raw ? lambdaTables(results, raw, 'Lambda-like, RAW at a distance') : []),
      distanceTable(results),
      httpTable(results),
      hitPathTable(results),
      bundleTable(results),
    ],
  };
}
