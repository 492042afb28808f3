import { isDeepStrictEqual } from 'node:util';
import type { AttributeValue } from 'aws-lambda';
import type { Image } from './written-items.js';

/**
 * Whether two images hold the same item: attribute order does not matter (isDeepStrictEqual ignores
 * key order) and neither does the order of a set's members. dynalite already normalizes numbers.
 */
export function sameItem(a: Image | undefined, b: Image | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return isDeepStrictEqual(canonicalImage(a), canonicalImage(b));
}

function canonicalImage(image: Image): Image {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, canonical(value)]));
}

function canonical(value: AttributeValue): AttributeValue {
  if (value.SS) return { SS: [...value.SS].sort() };
  if (value.NS) return { NS: [...value.NS].sort() };
  if (value.BS) return { BS: [...value.BS].sort() };
  if (value.L) return { L: value.L.map(canonical) };
  if (value.M) return { M: canonicalImage(value.M) };
  return value;
}
