import * as z from 'zod/mini';
import type { ProductAttributes } from '../products/product-writer.js';

/** Far below DynamoDB's 400 KB item limit, whatever the JSON holds; a catalog item needs less. */
export const MAX_BODY_BYTES = 64 * 1024;

const NAME = 'name must be a non-empty string';
const PRICE = 'price must be a number of at least 0';
const INEXACT = 'whole numbers must be within ±(2^53 − 1); send larger ones as strings';
/** DynamoDB nests lists and maps at most 32 levels deep. */
const MAX_NESTING_DEPTH = 32;
const TOO_DEEP = `lists and objects may nest at most ${MAX_NESTING_DEPTH} levels deep`;

/**
 * A PUT body: a JSON object with at least `name` and `price`; every other attribute is kept as sent.
 * Messages are set here, so they do not depend on which zod locale is loaded.
 */
const productBody = z
  .looseObject(
    {
      name: z.string({ error: NAME }).check(z.regex(/\S/, { error: NAME })),
      price: z.number({ error: PRICE }).check(z.minimum(0, { error: PRICE })),
      productId: z.optional(z.string({ error: 'productId must be a string' })),
      version: z.optional(z.never({ error: 'version is set by the server; use If-Match' })),
    },
    { error: 'The body must be a JSON object' },
  )
  .check(
    z.refine((body) => nestsWithin(body, 0), { error: TOO_DEEP }),
    z.refine((body) => hasOnlyExactNumbers(body, 0), { error: INEXACT }),
  );

export type ProductBody =
  | { readonly ok: true; readonly attributes: ProductAttributes }
  | { readonly ok: false; readonly message: string };

/** The body's attributes for the product `id`, or every reason they are not acceptable. */
export function parseProductBody(id: string, body: unknown): ProductBody {
  const parsed = z.safeParse(productBody, body);
  if (!parsed.success)
    return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join('; ') };
  if (parsed.data.productId !== undefined && parsed.data.productId !== id) {
    return { ok: false, message: 'productId in the body must equal the one in the path' };
  }
  return { ok: true, attributes: parsed.data };
}

/** The body is level 0; a JSON nested thousands deep would otherwise overflow the stack below. */
function nestsWithin(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth > MAX_NESTING_DEPTH) return false;
  return Object.values(value).every((inner) => nestsWithin(inner, depth + 1));
}

/**
 * JSON.parse already rounded a larger whole number, and DynamoDB's marshaller refuses it. Stops at the
 * nesting limit, which the other check reports.
 */
function hasOnlyExactNumbers(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return !Number.isInteger(value) || Number.isSafeInteger(value);
  if (typeof value !== 'object' || value === null || depth > MAX_NESTING_DEPTH) return true;
  return Object.values(value).every((inner) => hasOnlyExactNumbers(inner, depth + 1));
}
