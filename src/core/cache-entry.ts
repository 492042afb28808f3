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
const HEADER = /^\{"f":1,"ver":(\d+),"soft":(\d+),"dt":(\d+),"val":/;

export interface EntryHeader {
  readonly ver: number;
  readonly soft: number;
}

/**
 * An entry as read back: the header, and the value as the JSON text it was stored as. Answers embed that
 * text as it is, so a hit never parses and re-encodes the item (docs/architecture.md, "The hit path as
 * built"); `entryValue` parses it where the value itself is needed.
 */
export interface StoredEntry {
  readonly ver: number;
  readonly soft: number;
  readonly dt: number;
  /** The value's JSON text; null for a cached "not found" and for a remembered failure. */
  readonly valJson: string | null;
  readonly fail?: SourceErrorCode;
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

/**
 * The entry, or undefined when the text is not an envelope of this format (treated as absent).
 * An object value (every DynamoDB item is one) is taken as stored without parsing it: entries are written
 * only by `encodeEntry`, so what is checked is the envelope, header and braces. Any other value (a "not
 * found", a remembered failure, a value of another JSON type) is parsed with its envelope.
 */
export function decodeEntry(text: string): StoredEntry | undefined {
  const match = HEADER.exec(text);
  if (!match || !text.endsWith('}')) return undefined;
  const header = { ver: Number(match[1]), soft: Number(match[2]), dt: Number(match[3]) };
  const valJson = text.slice(match[0].length, -1);
  if (valJson.startsWith('{') && valJson.endsWith('}')) return { ...header, valJson };
  let parsed: { val?: unknown; fail?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed.val === undefined) return undefined;
  const value = { ...header, valJson: parsed.val === null ? null : JSON.stringify(parsed.val) };
  if (parsed.fail === undefined) return value;
  return isSourceErrorCode(parsed.fail) && parsed.val === null ? { ...value, fail: parsed.fail } : undefined;
}

/** The stored value itself, parsed from its text (null for a "not found"). */
export function entryValue<T>(entry: StoredEntry): T | null {
  return entry.valJson === null ? null : (JSON.parse(entry.valJson) as T);
}

function isSourceErrorCode(value: unknown): value is SourceErrorCode {
  return value === 'SOURCE_THROTTLED' || value === 'SOURCE_UNAVAILABLE';
}

// The header pattern accepts whole, non-negative numbers only.
function wholeNumber(value: number): number {
  return Number.isSafeInteger(value) && value >= 0 ? value : Math.max(0, Math.round(value) || 0);
}
