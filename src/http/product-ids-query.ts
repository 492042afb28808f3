import { MAX_BATCH_IDS } from '../core/batch-read.js';
import { checkProductId } from '../products/product-id.js';

export type ProductIdsCheck =
  | { readonly ok: true; readonly ids: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** How much of a rejected id a message quotes: enough to find it, not an echo of a long hostile value. */
const QUOTED_ID_MAX_LENGTH = 40;

/**
 * The `ids` of GET /products: comma-separated, in one parameter or repeated (`ids=a,b&ids=c`, as API
 * Gateway's multi-value parameters carry it), each checked like a single product id. A repeated id is
 * read once, where it first appears. 1 to MAX_BATCH_IDS distinct ids.
 */
export function checkProductIds(values: readonly string[] | undefined): ProductIdsCheck {
  const raw = (values ?? []).flatMap((value) => value.split(','));
  if (raw.length === 0 || (raw.length === 1 && raw[0] === '')) {
    return { ok: false, reason: `ids is required: ?ids=a,b,c (1 to ${MAX_BATCH_IDS} product ids)` };
  }
  for (const [position, id] of raw.entries()) {
    const check = checkProductId(id);
    if (!check.ok) {
      const quoted = JSON.stringify(
        id.length > QUOTED_ID_MAX_LENGTH ? `${id.slice(0, QUOTED_ID_MAX_LENGTH)}…` : id,
      );
      return { ok: false, reason: `ids[${position}] ${quoted}: ${check.reason}` };
    }
  }
  const ids = [...new Set(raw)];
  if (ids.length > MAX_BATCH_IDS) {
    return { ok: false, reason: `ids may name at most ${MAX_BATCH_IDS} products, not ${ids.length}` };
  }
  return { ok: true, ids };
}
