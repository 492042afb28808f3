import type { CacheMemory } from '../../health/health-report.js';

/** The figures /health takes from `INFO memory stats`. */
export interface RedisInfoFigures {
  readonly memory?: CacheMemory;
  readonly evictedKeys?: number;
  readonly evictionPolicy?: string;
}

/** `field:value` lines of an INFO reply; `# Section` headers and blank lines skipped. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (line.startsWith('#') || colon < 1) continue;
    fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/**
 * Memory, evictions and the eviction policy, from fields INFO has had since Redis 4 (and Valkey has). A
 * field a server leaves out (ElastiCache Serverless shows fewer) is left out here too, not guessed.
 */
export function infoFigures(fields: ReadonlyMap<string, string>): RedisInfoFigures {
  const used = wholeNumber(fields.get('used_memory'));
  const max = wholeNumber(fields.get('maxmemory'));
  const evictedKeys = wholeNumber(fields.get('evicted_keys'));
  const evictionPolicy = fields.get('maxmemory_policy');
  return {
    ...(used === undefined ? {} : { memory: memoryOf(used, max) }),
    ...(evictedKeys === undefined ? {} : { evictedKeys }),
    ...(evictionPolicy ? { evictionPolicy } : {}),
  };
}

/** `maxmemory` 0 (or absent) means no limit: nothing to measure against. */
export function memoryOf(usedBytes: number, maxBytes: number | undefined): CacheMemory {
  if (!maxBytes) return { usedBytes, maxBytes: null, usedPercent: null };
  return { usedBytes, maxBytes, usedPercent: Math.round((usedBytes / maxBytes) * 1000) / 10 };
}

function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
