/** One operation of a consistency run, timed by the checker's clock (ms). */
export type Operation =
  /** An acknowledged write: the item now has `version`. */
  | {
      readonly kind: 'write';
      readonly key: string;
      readonly version: number;
      readonly start: number;
      readonly end: number;
    }
  /** A delete, acknowledged or not; `version` is the deleted item's (null: there was nothing to delete). */
  | {
      readonly kind: 'delete';
      readonly key: string;
      readonly version: number | null;
      readonly acknowledged: boolean;
      readonly start: number;
      readonly end: number;
    }
  /** A read: the version it answered, or null for "not found"; only strict reads are checked. */
  | {
      readonly kind: 'read';
      readonly key: string;
      readonly version: number | null;
      readonly strict: boolean;
      readonly start: number;
      readonly end: number;
    };

export interface Anomaly {
  readonly read: Extract<Operation, { kind: 'read' }>;
  /** The latest change acknowledged before the read started, which the read went behind. */
  readonly after: Operation;
}

/**
 * The no-backwards rule: a read that starts after a change was acknowledged answers that change or a
 * later one. After a write of v: a version ≥ v, or "not found" when a delete of v or later had started
 * before the read ended. After a delete of v: "not found", or a version above v (re-created).
 */
export function findAnomalies(operations: readonly Operation[]): Anomaly[] {
  const byKey = new Map<string, Operation[]>();
  for (const operation of operations) {
    const list = byKey.get(operation.key) ?? [];
    list.push(operation);
    byKey.set(operation.key, list);
  }
  const anomalies: Anomaly[] = [];
  for (const list of byKey.values()) {
    const changes = list.filter(
      (op): op is Exclude<Operation, { kind: 'read' }> =>
        op.kind === 'write' || (op.kind === 'delete' && op.acknowledged && op.version !== null),
    );
    const deletes = list.filter(
      (op): op is Extract<Operation, { kind: 'delete' }> => op.kind === 'delete' && op.version !== null,
    );
    for (const read of list) {
      if (read.kind !== 'read' || !read.strict) continue;
      const latest = latestBefore(changes, read.start);
      if (!latest) continue;
      if (!satisfies(read, latest, deletes)) anomalies.push({ read, after: latest });
    }
  }
  return anomalies;
}

function latestBefore(changes: readonly Exclude<Operation, { kind: 'read' }>[], instant: number) {
  let latest: Exclude<Operation, { kind: 'read' }> | undefined;
  for (const change of changes) {
    if (change.end >= instant) continue;
    // A delete of v comes after the write of v it deleted.
    if (!latest || rank(change) > rank(latest)) latest = change;
  }
  return latest;
}

function rank(change: Exclude<Operation, { kind: 'read' }>): number {
  return (change.version ?? 0) + (change.kind === 'delete' ? 0.5 : 0);
}

function satisfies(
  read: Extract<Operation, { kind: 'read' }>,
  latest: Exclude<Operation, { kind: 'read' }>,
  deletes: readonly Extract<Operation, { kind: 'delete' }>[],
): boolean {
  const version = latest.version ?? 0;
  if (latest.kind === 'delete') return read.version === null || read.version > version;
  if (read.version !== null) return read.version >= version;
  return deletes.some((d) => d.start < read.end && (d.version ?? -1) >= version);
}
