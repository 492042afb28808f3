import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { WriteProduct } from '../products/write-product.js';
import { entityTag, parseVersionTags } from './entity-tags.js';
import { requireJsonContentType } from './json-content-type.js';
import { MAX_BODY_BYTES, parseProductBody } from './product-body.js';
import { requireValidProductId } from './product-id-param.js';
import { ROUTES, toRouterPath } from './routes.js';

const PRECONDITION_FAILED = {
  message: "The product's current version does not satisfy If-Match / If-None-Match",
};

const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => c.json({ message: `The body must be at most ${MAX_BODY_BYTES} bytes` }, 413),
});

/** PUT and DELETE /product/{productId}: validated here, then the write use-case. */
export function registerWriteRoutes(app: Hono, writeProduct: WriteProduct): void {
  app.put(
    toRouterPath(ROUTES.putProduct.path),
    requireValidProductId,
    requireJsonContentType,
    limitBody,
    async (c) => {
      const id = c.var.productId;
      const json = await readJson(c);
      if (!json.ok) return c.json({ message: 'The body is not valid JSON (UTF-8)' }, 400);
      const body = parseProductBody(id, json.value);
      if (!body.ok) return c.json({ message: body.message }, 400);
      const ifMatch = parseVersionTags(c.req.header('If-Match'), 'If-Match');
      if (!ifMatch.ok) return c.json({ message: ifMatch.message }, 400);
      const ifNoneMatch = parseVersionTags(c.req.header('If-None-Match'), 'If-None-Match');
      if (!ifNoneMatch.ok) return c.json({ message: ifNoneMatch.message }, 400);

      const result = await writeProduct.put(id, body.attributes, {
        ifMatch: ifMatch.versions,
        ifNoneMatch: ifNoneMatch.versions,
      });
      if (result.status === 'precondition-failed') return c.json(PRECONDITION_FAILED, 412);
      c.header('ETag', entityTag(result.product.version));
      return c.json(result.product, result.status === 'created' ? 201 : 200);
    },
  );

  app.delete(toRouterPath(ROUTES.deleteProduct.path), requireValidProductId, async (c) => {
    const ifMatch = parseVersionTags(c.req.header('If-Match'), 'If-Match');
    if (!ifMatch.ok) return c.json({ message: ifMatch.message }, 400);
    const result = await writeProduct.delete(c.var.productId, { ifMatch: ifMatch.versions });
    if (result.status === 'precondition-failed') return c.json(PRECONDITION_FAILED, 412);
    if (result.status === 'not-found') return c.json({ message: 'Product not found' }, 404);
    c.header('ETag', entityTag(result.version));
    return c.body(null, 204);
  });
}

/** JSON is UTF-8 (RFC 8259): invalid bytes are refused rather than stored as replacement characters. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: JSON.parse(UTF8.decode(await c.req.arrayBuffer())) };
  } catch {
    return { ok: false };
  }
}
