import { METRIC } from '../../../src/observability/metric-names.js';
import type { IdClass, Outcome } from './drill.js';
import type { DrillResponse } from './drill-load.js';
import type { DrillRun } from './run-drill.js';

/**
 * Where a read falls relative to the fault. A read that spans a step (started before the fault was in
 * place, or still running when it was cleared) counts as a transition, where both sides' answers hold.
 */
export type Phase = 'before' | 'injecting' | 'fault' | 'recovering' | 'recovered';

export function phaseOf(run: DrillRun, response: DrillResponse): Phase {
  const { injectStartMs, injectEndMs, clearStartMs, recoveredAtMs } = run.timeline;
  const startedAt = response.startedAtMs;
  const endedAt = startedAt + response.latencyMs;
  if (endedAt < injectStartMs) return 'before';
  if (startedAt < injectEndMs) return 'injecting';
  if (endedAt < clearStartMs) return 'fault';
  if (recoveredAtMs === undefined || startedAt < recoveredAtMs) return 'recovering';
  return 'recovered';
}

/** A 5xx other than the promised 503, a status that is not the id's, or no answer at all. */
export function isUnexpectedStatus(run: DrillRun, response: DrillResponse): boolean {
  return response.status !== 503 && response.status !== expectedStatus(run, response);
}

/**
 * Every broken promise of the run, in words (an empty list: the drill passed): statuses, X-Cache
 * values per phase and id class, 503s with Retry-After, the read bound, recovery in time, refills,
 * the breaker opening, and proof that the fault took effect.
 */
export function checkDrill(run: DrillRun): string[] {
  const { promises } = run.drill;
  const problems: string[] = [];
  for (const response of run.responses) {
    const problem = checkResponse(run, response);
    if (problem) problems.push(problem);
  }
  const during = run.responses.filter((response) => phaseOf(run, response) === 'fault');
  for (const outcome of promises.seenDuringFault) {
    if (!during.some((response) => outcomeOf(response) === outcome))
      problems.push(`the fault did not take effect: no ${outcome} among ${during.length} reads during it`);
  }
  const { injectEndMs, recoveredAtMs } = run.timeline;
  if (recoveredAtMs === undefined) {
    problems.push(`not every id answered HIT within ${run.bounds.recoveryMs} ms of the fault clearing`);
  }
  for (const [id, idClass] of run.classOf) {
    if (!promises.refilled.includes(idClass)) continue;
    const refilled = run.responses.some(
      (response) => response.id === id && response.startedAtMs >= injectEndMs && response.xCache === 'MISS',
    );
    if (!refilled) problems.push(`${id} (${idClass}) was never filled again (no MISS) after the fault`);
  }
  if (promises.breakerOpens) problems.push(...checkBreakerOpened(run));
  return problems;
}

function checkResponse(run: DrillRun, response: DrillResponse): string | undefined {
  const phase = phaseOf(run, response);
  const idClass = classOf(run, response);
  const at = `${phase}: ${response.id} (${idClass}) at ${Math.round(response.startedAtMs - run.timeline.injectStartMs)} ms`;
  if (response.status === 0) return `${at} got no answer (${response.error})`;
  if (isUnexpectedStatus(run, response)) return `${at} answered ${response.status} (${response.message})`;
  if (response.status === 503 && (response.retryAfter === null || response.message === undefined))
    return `${at} answered 503 without Retry-After or a JSON message`;
  const outcome = outcomeOf(response);
  const allowed = allowedOutcomes(run, phase, idClass);
  if (!(allowed as readonly string[]).includes(outcome))
    return `${at} answered ${outcome}, expected one of ${allowed.join(', ')}`;
  if (response.latencyMs > run.bounds.readMs)
    return `${at} took ${Math.round(response.latencyMs)} ms, past the bound of ${run.bounds.readMs} ms`;
  return undefined;
}

function allowedOutcomes(run: DrillRun, phase: Phase, idClass: IdClass): readonly Outcome[] {
  const { duringFault, afterRecovery, refilled } = run.drill.promises;
  // Entries the fault lost (or never let in) are filled again as it clears.
  const refill: Outcome[] = refilled.includes(idClass) ? ['MISS'] : [];
  const before: Outcome[] = ['HIT'];
  switch (phase) {
    case 'before':
      return before;
    case 'injecting':
      return [...before, ...duringFault[idClass]];
    case 'fault':
      return duringFault[idClass];
    case 'recovering':
      return [...duringFault[idClass], ...refill, ...afterRecovery];
    case 'recovered':
      return afterRecovery;
  }
}

/**
 * While a hung Redis holds, the Redis calls that wait out a command timeout (the server's store errors
 * that the breaker did not refuse) are those in flight when it hung, the failures that open the
 * circuit, and one probe per cool-down; without a breaker every read would make one. Twice that many
 * allows for a busy machine. Counted by the server, so DynamoDB's latency under load does not blur it.
 */
function checkBreakerOpened(run: DrillRun): string[] {
  const { breaker } = run.config.redis;
  const counts = run.countsDuringFault;
  const refused = counts[METRIC.cacheBreakerRejections] ?? 0;
  const failed = (counts[METRIC.cacheStoreErrors] ?? 0) - refused;
  const probes = Math.ceil(run.options.holdMs / breaker.cooldownMs);
  const limit = 2 * (breaker.failureThreshold + run.options.concurrency + probes);
  if (refused === 0) return ['the circuit breaker refused no Redis call while Redis hung'];
  return failed <= limit
    ? []
    : [
        `${failed} Redis calls waited out their timeout while Redis hung (at most ${limit}): the breaker did not hold`,
      ];
}

/** The response's Outcome, or what it answered instead (`no X-Cache`, an unknown value). */
export function outcomeOf(response: DrillResponse): string {
  if (response.status === 503) return '503';
  return response.xCache ?? 'no X-Cache';
}

function classOf(run: DrillRun, response: DrillResponse): IdClass {
  return run.classOf.get(response.id) as IdClass;
}

function expectedStatus(run: DrillRun, response: DrillResponse): number {
  return classOf(run, response) === 'missing' ? 404 : 200;
}
