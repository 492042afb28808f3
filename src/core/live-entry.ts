import { decodeEntry, type StoredEntry } from './cache-entry.js';

/**
 * The entry in `text`, or undefined when absent or unreadable (`onCorrupt` is told). A remembered failure
 * counts only while fresh: past it, it is neither served nor a stale fallback.
 */
export function liveEntry(
  text: string | null,
  nowMs: number,
  onCorrupt?: () => void,
): StoredEntry | undefined {
  if (text === null) return undefined;
  const entry = decodeEntry(text);
  if (entry === undefined) onCorrupt?.();
  if (entry?.fail && nowMs >= entry.soft) return undefined;
  return entry;
}
