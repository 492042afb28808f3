import type { StoredEntry } from './cache-entry.js';
import type { CacheObserver, CacheOutcome } from './cache-observer.js';
import type { SourceRecord } from './source.js';
import { SourceError } from './source-error.js';
import { StoredRecord } from './stored-record.js';

export interface CacheRead<T> {
  readonly outcome: CacheOutcome;
  /** The item, or null when the source has no item with this id. */
  readonly record: SourceRecord<T> | null;
}

/**
 * A read's end, single or one item of a batch; errors keep the outcome they had.
 * `overtaken`: the item changed while it was loaded (the fill was refused), so the answer is older than
 * that change.
 */
export type Settled<T> =
  | { readonly read: CacheRead<T>; readonly overtaken?: boolean }
  | { readonly outcome: CacheOutcome; readonly error: unknown; readonly remembered?: boolean };

/** An entry as the answer: its item, or the remembered source failure it holds (as that error). */
export function served<T>(outcome: CacheOutcome, entry: StoredEntry): Settled<T> {
  if (entry.fail) {
    const error = new SourceError(
      entry.fail,
      `The source failed moments ago (${entry.fail}); not asked again yet`,
    );
    return { outcome: 'MISS', error, remembered: true };
  }
  const record = entry.valJson === null ? null : new StoredRecord<T>(entry.valJson, entry.ver);
  return { read: { outcome, record } };
}

/** Counts one read (one per caller, one per item of a batch) by how it was served. */
export function countRead<T>(observer: CacheObserver, settled: Settled<T>): void {
  if ('error' in settled) {
    observer.onRead(settled.outcome);
    if (settled.remembered) observer.onEvent('REMEMBERED_FAILURE');
    return;
  }
  observer.onRead(settled.read.outcome);
  if (settled.read.outcome === 'HIT' && settled.read.record === null) observer.onEvent('NEGATIVE_HIT');
}
