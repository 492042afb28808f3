/**
 * DynamoDB numbers carry up to 38 digits. One that a JS number holds exactly (or any fraction, as the SDK
 * reads it by default) stays a number; a whole number past 2^53 stays its exact text, where the SDK
 * would give a BigInt, which JSON cannot write (every read of such an item would fail).
 */
export function numberFromText(text: string): number | string {
  const value = Number(text);
  return Number.isInteger(value) && !Number.isSafeInteger(value) ? text : value;
}

/**
 * The document client gives sets as `Set` and binary as `Uint8Array`, which JSON writes as `{}` and as
 * an object of indexes: sets become arrays and binary becomes base64, as DynamoDB's own JSON has them.
 */
export function toJsonSafe(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(toJsonSafe);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, toJsonSafe(inner)]));
  }
  return value;
}
