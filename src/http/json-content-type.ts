import type { MiddlewareHandler } from 'hono';

/**
 * 415 unless the body is declared `application/json`, in UTF-8 (the only charset JSON has, RFC 8259):
 * `application/json; charset=utf-8` is accepted, another charset is not.
 */
export const requireJsonContentType: MiddlewareHandler = async (c, next) => {
  if (!isJson(c.req.header('Content-Type'))) {
    return c.json({ message: 'Content-Type must be application/json' }, 415);
  }
  await next();
};

function isJson(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [mediaType, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim());
    return name !== 'charset' || value.replace(/^"(.*)"$/, '$1') === 'utf-8';
  });
}
