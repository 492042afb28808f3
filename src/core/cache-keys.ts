/**
 * Key scheme `{prefix}:p:{<id>}`: the id sits inside a Redis Cluster hash tag, so an entry and the
 * keys that will guard it (lease, fence) land in the same slot. Ids are validated before they get here.
 */
export function entryKey(prefix: string, id: string): string {
  return `${prefix}:p:{${id}}`;
}
