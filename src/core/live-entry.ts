import { type CacheEntry, decodeEntry } from './cache-entry.js';

/**
 * The entry in `text`, or undefined when absent or unreadable (`onCorrupt` is told). A remembered failure
 * counts only while fresh: past it, it is neither served nor a stale fallback.
 */
export function liveEntry<T>(
  text: string | null,
  nowMs: number,
  onCorrupt?: () => void,
): CacheEntry<T> | undefined {
  if (text === null) return undefined;
  const entry = decodeEntry<T>(text);
  if (entry === undefined) onCorrupt?.();
  if (entry?.fail && nowMs >= entry.soft) return undefined;
  return entry;
}
