/**
 * The envelope every cached item is stored in (DESIGN.md section 4), e.g.
 * `{"f":1,"ver":7,"val":{…},"soft":1764230400000,"dt":12}`.
 * `val` null is reserved for a cached "not found"; `soft` is when the entry stops being fresh;
 * `dt` is how long the load took, for early refresh. The store's own expiry is the hard expiry.
 */
export interface CacheEntry<T> {
  readonly ver: number;
  readonly val: T | null;
  readonly soft: number;
  readonly dt: number;
}

/** Bumped when the envelope changes shape; entries of another format read as misses. */
export const ENTRY_FORMAT = 1;

export function encodeEntry<T>(entry: CacheEntry<T>): string {
  return JSON.stringify({ f: ENTRY_FORMAT, ver: entry.ver, val: entry.val, soft: entry.soft, dt: entry.dt });
}

/** The entry, or undefined when the text is not an envelope of this format (treated as a miss). */
export function decodeEntry<T>(text: string): CacheEntry<T> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isEnvelope(parsed)) return undefined;
  return { ver: parsed.ver, val: parsed.val as T | null, soft: parsed.soft, dt: parsed.dt };
}

interface Envelope {
  f: number;
  ver: number;
  val: unknown;
  soft: number;
  dt: number;
}

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.f === ENTRY_FORMAT &&
    Number.isFinite(v.ver) &&
    Number.isFinite(v.soft) &&
    Number.isFinite(v.dt) &&
    'val' in v
  );
}
