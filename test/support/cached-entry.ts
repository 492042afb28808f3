import { type CacheEntry, decodeEntry, entryValue } from '../../src/core/cache-entry.js';

/** The entry in `text` with its value parsed, for tests that look at what is cached; undefined if unreadable. */
export function parseCachedEntry<T>(text: string): CacheEntry<T> | undefined {
  const stored = decodeEntry(text);
  if (stored === undefined) return undefined;
  const { valJson: _text, ...header } = stored;
  return { ...header, val: entryValue<T>(stored) };
}
