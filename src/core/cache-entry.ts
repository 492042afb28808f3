import type { SourceErrorCode } from './source-error.js';

/**
 * The envelope every cached item is stored in (DESIGN.md section 4), e.g.
 * `{"f":1,"ver":7,"soft":1764230400000,"dt":12,"val":{…}}`.
 * `val` null is a cached "not found"; `soft` is when the entry stops being fresh; `dt` is how long
 * the load took, for early refresh. The store's own expiry is the hard expiry. A remembered source
 * failure is an entry with `val` null and, after it, `fail`: the source's error code.
 *
 * The header (`f`, `ver`, `soft`, in this order, before `val`) is fixed so a store script can read the
 * version and freshness with one anchored match instead of decoding the item.
 */
export interface CacheEntry<T> {
  readonly ver: number;
  readonly val: T | null;
  readonly soft: number;
  readonly dt: number;
  /** Set on a remembered failure of the source: reads answer with this error until the entry expires. */
  readonly fail?: SourceErrorCode;
}

/** Bumped when the envelope changes shape; entries of another format read as unreadable. */
export const ENTRY_FORMAT = 1;

/** The header as stores read it; redis-scripts.ts holds the same pattern in Lua. */
const HEADER = /^\{"f":1,"ver":(\d+),"soft":(\d+),"dt":\d+,"val":/;

export interface EntryHeader {
  readonly ver: number;
  readonly soft: number;
}

export function encodeEntry<T>(entry: CacheEntry<T>): string {
  const { ver, soft, dt, val, fail } = entry;
  const failure = fail === undefined ? '' : `,"fail":${JSON.stringify(fail)}`;
  return `{"f":${ENTRY_FORMAT},"ver":${wholeNumber(ver)},"soft":${wholeNumber(soft)},"dt":${wholeNumber(dt)},"val":${JSON.stringify(val)}${failure}}`;
}

/** Version and soft expiry, or undefined when the text is not an envelope of this format. */
export function readEntryHeader(text: string): EntryHeader | undefined {
  const match = HEADER.exec(text);
  if (!match) return undefined;
  return { ver: Number(match[1]), soft: Number(match[2]) };
}

/** The entry, or undefined when the text is not an envelope of this format (treated as absent). */
export function decodeEntry<T>(text: string): CacheEntry<T> | undefined {
  if (!HEADER.test(text)) return undefined;
  let parsed: { ver: number; soft: number; dt: number; val: T | null; fail?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed.val === undefined) return undefined;
  const entry = { ver: parsed.ver, val: parsed.val, soft: parsed.soft, dt: parsed.dt };
  if (parsed.fail === undefined) return entry;
  return isSourceErrorCode(parsed.fail) && parsed.val === null ? { ...entry, fail: parsed.fail } : undefined;
}

function isSourceErrorCode(value: unknown): value is SourceErrorCode {
  return value === 'SOURCE_THROTTLED' || value === 'SOURCE_UNAVAILABLE';
}

// The header pattern accepts whole, non-negative numbers only.
function wholeNumber(value: number): number {
  return Number.isSafeInteger(value) && value >= 0 ? value : Math.max(0, Math.round(value) || 0);
}
