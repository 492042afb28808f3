/**
 * The store protocol's atomic steps as Lua, one round trip each (DESIGN.md section 5). KEYS are always
 * entry, lease, fence of one item: one hash tag, so one slot on a cluster. The entry header pattern is
 * cache-entry.ts's HEADER; memory-cache-store.ts has the same logic in TypeScript. Only GET, SET and
 * UNLINK are called, the commands the functions' Redis user is allowed (modules/cache).
 */

const HEADER_SOFT = `'^{"f":1,"ver":%d+,"soft":(%d+),"dt":%d+,"val":'`;
const HEADER_VER = `'^{"f":1,"ver":(%d+),"soft":%d+,"dt":%d+,"val":'`;

/** ARGV: token, lease TTL ms, stale-at ms → {entry or nil, granted 0/1, fenced 0/1}. */
export const ACQUIRE_LUA = `
local entry = redis.call('GET', KEYS[1])
local fenced = redis.call('GET', KEYS[3]) and 1 or 0
if entry then
  local soft = string.match(entry, ${HEADER_SOFT})
  if soft and tonumber(soft) > tonumber(ARGV[3]) then return {entry, 0, fenced} end
end
local granted = redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
return {entry, granted, fenced}
`;

/** ARGV: token, entry, TTL ms, version ('' for a not-found) → STORED | LEASE_LOST | SUPERSEDED. */
export const FILL_LUA = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 'LEASE_LOST' end
redis.call('UNLINK', KEYS[2])
if ARGV[4] ~= '' then
  local current = redis.call('GET', KEYS[1])
  local ver = current and string.match(current, ${HEADER_VER})
  if ver and tonumber(ver) > tonumber(ARGV[4]) then return 'SUPERSEDED' end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 'STORED'
`;

/**
 * ARGV: entry, version, TTL ms, fence TTL ms → STORED | SUPERSEDED. The entry is stored only above both
 * the cached version and the fence; the lease goes and the fence rises either way. An unreadable
 * entry counts as older than any write.
 */
export const WRITE_THROUGH_LUA = `
redis.call('UNLINK', KEYS[2])
local version = tonumber(ARGV[2])
local fence = redis.call('GET', KEYS[3])
local fenced = fence and tonumber(fence)
local current = redis.call('GET', KEYS[1])
local ver = current and string.match(current, ${HEADER_VER})
local highest = ARGV[2]
if fenced and fenced > version then highest = fence end
redis.call('SET', KEYS[3], highest, 'PX', ARGV[4])
if (fenced and fenced >= version) or (ver and tonumber(ver) >= version) then return 'SUPERSEDED' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 'STORED'
`;

/** ARGV: version, fence TTL ms. The fence keeps the highest version (as given, never reformatted). */
export const INVALIDATE_LUA = `
redis.call('UNLINK', KEYS[1], KEYS[2])
local fence = redis.call('GET', KEYS[3])
local highest = ARGV[1]
if fence and tonumber(fence) and tonumber(fence) > tonumber(ARGV[1]) then highest = fence end
redis.call('SET', KEYS[3], highest, 'PX', ARGV[2])
return 'OK'
`;
