import type { WritePreconditions } from './product-writer.js';

/** Whether If-Match and If-None-Match hold for the item's current version (null: no such item). */
export function preconditionsHold(preconditions: WritePreconditions, current: number | null): boolean {
  const { ifMatch, ifNoneMatch } = preconditions;
  if (ifMatch !== undefined && !matches(ifMatch, current)) return false;
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, current)) return false;
  return true;
}

function matches(versions: '*' | readonly number[], current: number | null): boolean {
  if (current === null) return false;
  return versions === '*' || versions.includes(current);
}
