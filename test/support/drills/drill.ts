import type { Config } from '../../../src/config/config.js';
import type { DrillStack } from './drill-stack.js';

/** How a read was answered: its X-Cache value, or a 503 (which has none). */
export type Outcome = 'HIT' | 'MISS' | 'STALE' | 'BYPASS' | '503';

/**
 * The ids a drill reads, by what the cache holds for them when the fault starts:
 * `fresh` cached and fresh, `stale` cached past its soft TTL (within grace), `uncached` never read,
 * `missing` no such product (a cached "not found": 404).
 */
export type IdClass = 'fresh' | 'stale' | 'uncached' | 'missing';

/** A fault in progress; `clear` ends it (and may wait for the system's own repair, e.g. a failover). */
export interface ActiveFault {
  clear(): Promise<void>;
}

/** What the design promises while the fault holds and after it clears (docs/architecture.md). */
export interface DrillPromises {
  /** What each id class may answer while the fault holds. */
  readonly duringFault: Readonly<Record<IdClass, readonly Outcome[]>>;
  /** Outcomes that must appear while the fault holds: proof the fault took effect. */
  readonly seenDuringFault: readonly Outcome[];
  /** What every read may answer once every id has answered HIT again. */
  readonly afterRecovery: readonly Outcome[];
  /** Classes whose ids must each answer MISS once the fault is in place or after: their entries were lost. */
  readonly refilled: readonly IdClass[];
  /** A hung Redis opens the circuit breaker: only a few reads wait out a command timeout. */
  readonly breakerOpens: boolean;
}

export interface Drill {
  /** Short name, used as the test's name and the table's row. */
  readonly name: string;
  readonly redis: 'standalone' | 'cluster';
  /** Extra redis-server arguments (standalone only). */
  readonly redisArgs?: readonly string[];
  /** Variables on top of the drills' small timeouts. */
  readonly env?: Readonly<Record<string, string>>;
  readonly idClasses: readonly IdClass[];
  /** The shortest hold that shows the fault's promises (e.g. longer than a read's retries). */
  readonly minHoldMs?: (config: Config) => number;
  /** Starts the fault; the runner holds it for `holdMs`, then clears it. */
  inject(stack: DrillStack, holdMs: number): Promise<ActiveFault>;
  readonly promises: DrillPromises;
}
