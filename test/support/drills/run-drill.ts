import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Config, loadConfig } from '../../../src/config/config.js';
import { sampleProductId } from '../../../src/local/sample-catalog.js';
import type { Drill, IdClass } from './drill.js';
import { DrillLoad, type DrillResponse } from './drill-load.js';
import { DRILL_ENV, LEAD_MS, readBoundMs, recoveryBoundMs, softTtlSecondsFor } from './drill-settings.js';
import { type DrillStack, startDrillStack } from './drill-stack.js';

export interface DrillRunOptions {
  /** Reads in flight at once. */
  readonly concurrency: number;
  /** How long the fault holds before it is cleared. */
  readonly holdMs: number;
}

/** When each step began and ended, on the responses' clock (performance.now()). */
export interface DrillTimeline {
  readonly injectStartMs: number;
  readonly injectEndMs: number;
  readonly clearStartMs: number;
  readonly clearEndMs: number;
  /** When the last id's first HIT after the clear started; undefined if not within the bound. */
  readonly recoveredAtMs: number | undefined;
}

export interface DrillRun {
  readonly drill: Drill;
  readonly options: DrillRunOptions;
  readonly config: Config;
  readonly timeline: DrillTimeline;
  readonly responses: readonly DrillResponse[];
  /** The server's counts (EMF Count metrics) from the fault in place until it was cleared. */
  readonly countsDuringFault: Readonly<Record<string, number>>;
  readonly classOf: ReadonlyMap<string, IdClass>;
  readonly bounds: { readonly readMs: number; readonly recoveryMs: number };
}

/** Ids per class: a few each, so every id is read many times a second. */
const IDS_PER_CLASS: Readonly<Record<IdClass, number>> = { fresh: 6, stale: 3, uncached: 3, missing: 1 };
/** How long reads keep running once every id answered HIT again, to see that it stays so. */
const STEADY_MS = 300;
const RECOVERY_POLL_MS = 20;
const WARM_READS_PER_ID = 10;

/**
 * Runs one drill: starts a stack, puts each id in its class (warmed, made stale, left uncached),
 * starts the load, injects the fault, holds it, clears it, and keeps reading until every id answered
 * HIT again (or the recovery bound passed) and a little longer. Stale and uncached ids are read only
 * from the fault on: read earlier, they would be refreshed or cached.
 */
export async function runDrill(drill: Drill, requested: DrillRunOptions): Promise<DrillRun> {
  const drillEnv = { ...DRILL_ENV, ...drill.env };
  const options = {
    ...requested,
    holdMs: Math.max(requested.holdMs, drill.minHoldMs?.(loadConfig(drillEnv)) ?? 0),
  };
  const ttlEnv: Record<string, string> = drill.idClasses.includes('stale')
    ? { CACHE_TTL_SECONDS: String(softTtlSecondsFor(options.holdMs)) }
    : {};
  const env = { ...ttlEnv, ...drillEnv };
  const stack = await startDrillStack({ redis: drill.redis, redisArgs: drill.redisArgs, env });
  try {
    const classOf = assignIds(drill.idClasses);
    const idsOf = (...classes: IdClass[]) =>
      [...classOf].filter(([, c]) => classes.includes(c)).map(([id]) => id);
    await prepare(stack, idsOf('stale'), idsOf('fresh', 'missing'));

    const load = new DrillLoad(stack.url, options.concurrency, idsOf('fresh', 'missing'));
    let timeline: DrillTimeline;
    let countsAtFault: Readonly<Record<string, number>> = {};
    let countsAtClear: Readonly<Record<string, number>> = {};
    try {
      await sleep(LEAD_MS);
      const injectStartMs = performance.now();
      const fault = await drill.inject(stack, options.holdMs);
      const injectEndMs = performance.now();
      countsAtFault = stack.counts();
      load.add(idsOf('stale', 'uncached'));
      await sleep(options.holdMs);
      const clearStartMs = performance.now();
      countsAtClear = stack.counts();
      await fault.clear();
      const clearEndMs = performance.now();
      const recoveryMs = recoveryBoundMs(stack.config);
      const recoveredAtMs = await waitForRecovery(load, [...classOf.keys()], clearEndMs, recoveryMs);
      await sleep(STEADY_MS);
      timeline = { injectStartMs, injectEndMs, clearStartMs, clearEndMs, recoveredAtMs };
    } finally {
      await load.stop();
    }
    return {
      drill,
      options,
      config: stack.config,
      timeline,
      responses: load.responses,
      countsDuringFault: difference(countsAtClear, countsAtFault),
      classOf,
      bounds: {
        readMs: readBoundMs(stack.config),
        recoveryMs: recoveryBoundMs(stack.config),
      },
    };
  } finally {
    await stack.stop();
  }
}

function assignIds(classes: readonly IdClass[]): Map<string, IdClass> {
  const classOf = new Map<string, IdClass>();
  let product = 1;
  for (const idClass of classes) {
    for (let i = 1; i <= IDS_PER_CLASS[idClass]; i++) {
      classOf.set(idClass === 'missing' ? `absent-${i}` : sampleProductId(product++), idClass);
    }
  }
  return classOf;
}

/** Caches the stale ids and waits out their soft TTL, then caches the fresh ids (and the "not found"s). */
async function prepare(stack: DrillStack, staleIds: string[], warmIds: string[]): Promise<void> {
  if (staleIds.length > 0) {
    await warm(stack, staleIds);
    await sleep(stack.config.cache.policy.ttlSeconds * 1000 + 100);
  }
  await warm(stack, warmIds);
}

/** Reads each id until it answers HIT; a cold process's first fills may exceed the small timeouts. */
async function warm(stack: DrillStack, ids: string[]): Promise<void> {
  for (const id of ids) {
    let outcome: string | null = null;
    for (let read = 0; read < WARM_READS_PER_ID && outcome !== 'HIT'; read++) {
      const response = await fetch(`${stack.url}/product/${id}`);
      await response.arrayBuffer();
      outcome = response.headers.get('x-cache');
    }
    if (outcome !== 'HIT') throw new Error(`drill set-up: ${id} is not cached (last read: ${outcome})`);
  }
}

/** Resolves when every id has answered HIT to a read started after `sinceMs`: that read's start. */
async function waitForRecovery(
  load: DrillLoad,
  ids: string[],
  sinceMs: number,
  boundMs: number,
): Promise<number | undefined> {
  const deadline = sinceMs + boundMs;
  for (;;) {
    const recoveredAtMs = lastFirstHit(load.responses, ids, sinceMs);
    if (recoveredAtMs !== undefined || performance.now() > deadline) return recoveredAtMs;
    await sleep(RECOVERY_POLL_MS);
  }
}

function lastFirstHit(
  responses: readonly DrillResponse[],
  ids: string[],
  sinceMs: number,
): number | undefined {
  const firstHit = new Map<string, number>();
  for (const response of responses) {
    if (response.startedAtMs < sinceMs || response.xCache !== 'HIT') continue;
    const known = firstHit.get(response.id);
    if (known === undefined || response.startedAtMs < known) firstHit.set(response.id, response.startedAtMs);
  }
  if (firstHit.size < ids.length) return undefined;
  return Math.max(...firstHit.values());
}

function difference(
  later: Readonly<Record<string, number>>,
  earlier: Readonly<Record<string, number>>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(later).map(([name, count]) => [name, count - (earlier[name] ?? 0)]),
  );
}
