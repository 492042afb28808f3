import { MAX_IF_MATCH_VERSIONS } from '../products/product-writer.js';

/** A product's ETag: its version, as a strong entity tag. */
export function entityTag(version: number): string {
  return `"${version}"`;
}

export type VersionTags =
  | { readonly ok: true; readonly versions: '*' | readonly number[] | undefined }
  | { readonly ok: false; readonly message: string };

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const VERSION = /^\d{1,16}$/;

/**
 * The versions an If-Match or If-None-Match header names (RFC 9110 section 13.1): `*`, or the versions
 * of the tags Aside issued. Tags it never issued can match nothing, so they drop out. If-Match compares
 * strongly (a weak tag never matches); If-None-Match compares weakly.
 */
export function parseVersionTags(
  header: string | undefined,
  name: 'If-Match' | 'If-None-Match',
): VersionTags {
  if (header === undefined) return { ok: true, versions: undefined };
  if (header.trim() === '*') return { ok: true, versions: '*' };
  const versions = new Set<number>();
  for (const part of header.split(',')) {
    const match = ENTITY_TAG.exec(part.trim());
    if (!match) return { ok: false, message: `${name} must be "*" or a list of entity tags like "17"` };
    const [, weak, opaque = ''] = match;
    if ((weak && name === 'If-Match') || !VERSION.test(opaque)) continue;
    versions.add(Number(opaque));
  }
  if (versions.size > MAX_IF_MATCH_VERSIONS) {
    return { ok: false, message: `${name} may name at most ${MAX_IF_MATCH_VERSIONS} entity tags` };
  }
  return { ok: true, versions: [...versions] };
}
