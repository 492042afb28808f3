/** What `encodeURIComponent` takes without throwing: it throws a URIError on a lone surrogate. */
export function isUriEncodable(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}
