import { METRIC } from '../../../src/observability/metric-names.js';
import { checkDrill, isUnexpectedStatus, outcomeOf } from './check-drill.js';
import type { DrillRun } from './run-drill.js';

/** One drill in numbers, as `npm run drill` prints it. */
export interface DrillSummary {
  readonly name: string;
  readonly requests: number;
  /** 5xx other than the promised 503, statuses that are not the id's, reads with no answer. */
  readonly unexpected: number;
  readonly serviceUnavailable: number;
  /** Broken promises of any kind (checkDrill), unexpected statuses included. */
  readonly problems: readonly string[];
  /** Reads started while the fault held, by X-Cache (or 503). */
  readonly outcomesDuringFault: Readonly<Record<string, number>>;
  /** What the server counted meanwhile: store errors, breaker refusals, source errors. */
  readonly countsDuringFault: Readonly<Record<string, number>>;
  readonly p99DuringFaultMs: number;
  readonly maxMs: number;
  readonly readBoundMs: number;
  /** From the fault's start until it was cleared (a failover included). */
  readonly faultMs: number;
  /** From the fault cleared until every id answered HIT again; undefined if not within the bound. */
  readonly recoverMs: number | undefined;
}

/** The server's counts worth printing beside a fault. */
const SERVER_COUNTS = [
  METRIC.cacheStoreErrors,
  METRIC.cacheBreakerOpened,
  METRIC.cacheBreakerRejections,
  METRIC.sourceErrors,
];

export function summarize(run: DrillRun): DrillSummary {
  const { injectStartMs, clearStartMs, clearEndMs, recoveredAtMs } = run.timeline;
  const during = run.responses.filter(
    (response) => response.startedAtMs >= injectStartMs && response.startedAtMs < clearStartMs,
  );
  const outcomesDuringFault: Record<string, number> = {};
  for (const response of during) {
    const outcome = outcomeOf(response);
    outcomesDuringFault[outcome] = (outcomesDuringFault[outcome] ?? 0) + 1;
  }
  return {
    name: run.drill.name,
    requests: run.responses.length,
    unexpected: run.responses.filter((response) => isUnexpectedStatus(run, response)).length,
    serviceUnavailable: run.responses.filter((response) => response.status === 503).length,
    problems: checkDrill(run),
    outcomesDuringFault,
    countsDuringFault: pick(run.countsDuringFault, SERVER_COUNTS),
    p99DuringFaultMs: percentile(
      during.map((response) => response.latencyMs),
      0.99,
    ),
    maxMs: Math.max(...run.responses.map((response) => response.latencyMs)),
    readBoundMs: run.bounds.readMs,
    faultMs: clearEndMs - injectStartMs,
    recoverMs: recoveredAtMs === undefined ? undefined : recoveredAtMs - clearEndMs,
  };
}

/** Nearest-rank percentile; 0 for no values. */
function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

function pick(counts: Readonly<Record<string, number>>, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((name) => [name, counts[name] ?? 0]));
}
