import fc from 'fast-check';

/** Content types a client might send to a JSON API, right and wrong. */
export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=latin1',
  'application/jsonx',
  '',
  ';;;',
];

/** If-Match / If-None-Match values, well-formed and not. */
export const ETAG_VALUES = [
  '*',
  '"abc"',
  'W/"abc"',
  '"',
  '""',
  'abc',
  '*, "x"',
  '"a", W/"b", ',
  '"1"',
  ' ',
  'x'.repeat(10_000),
];

/** Mostly JSON, sometimes another listed type, sometimes anything. */
export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

/** An entity-tag header, present a third of the time. */
export function entityTagHeader(values: readonly string[] = ETAG_VALUES) {
  return fc.option(fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 30 })), {
    freq: 2,
    nil: undefined,
  });
}

/** A product body as JSON: plausible, with odd names, prices and descriptions. */
export const productJson = fc
  .record(
    {
      name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
      price: fc.oneof(fc.nat(), fc.double()),
      description: fc.jsonValue({ maxDepth: 3 }),
      productId: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: ['name', 'price'] },
  )
  .map((product) => JSON.stringify(product));

/** A JSON array nested `depth` levels deep. */
export function deeplyNested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}
