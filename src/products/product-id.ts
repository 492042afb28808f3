/** The documented safe set for ids: 1 to 128 of A–Z, a–z, 0–9, `_`, `-` and `.`. */
export const PRODUCT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;
export const PRODUCT_ID_MAX_LENGTH = 128;

export type ProductIdCheck = { ok: true; id: string } | { ok: false; reason: string };

/** Ids become part of cache keys, so nothing outside the safe set ever reaches the cache. */
export function checkProductId(raw: string | undefined): ProductIdCheck {
  if (raw === undefined || raw === '') return { ok: false, reason: 'productId is required' };
  if (raw.length > PRODUCT_ID_MAX_LENGTH) {
    return { ok: false, reason: `productId must be at most ${PRODUCT_ID_MAX_LENGTH} characters` };
  }
  if (!PRODUCT_ID_PATTERN.test(raw)) {
    return { ok: false, reason: 'productId may contain only letters, digits, "_", "-" and "."' };
  }
  return { ok: true, id: raw };
}
