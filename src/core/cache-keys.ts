import type { ItemKeys } from './cache-store.js';

/**
 * Keys `{prefix}:p:{<id>}` (entry), `{prefix}:l:{<id>}` (lease) and `{prefix}:f:{<id>}` (fence): the id
 * is a Redis Cluster hash tag, so the three land in one slot and one script can change them together.
 * Ids are validated before they get here, so no id can close the tag or name another kind of key.
 */
export function itemKeys(prefix: string, id: string): ItemKeys {
  return { entry: `${prefix}:p:{${id}}`, lease: `${prefix}:l:{${id}}`, fence: `${prefix}:f:{${id}}` };
}
