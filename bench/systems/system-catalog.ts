import { readFileSync } from 'node:fs';

export type SystemKey = 'no-cache' | 'original' | 'bentocache' | 'cache-manager' | 'aside' | 'floor';

export interface SystemDescription {
  readonly key: SystemKey;
  readonly label: string;
  /** For chart legends and bars. */
  readonly short: string;
  /** The module exporting createSystem, relative to the project root. */
  readonly module: string;
}

function version(pkg: string): string {
  const manifest = JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** Every system, in report order; the floor is measured on the HTTP hit path only. */
export function describeSystems(): readonly SystemDescription[] {
  return [
    {
      key: 'no-cache',
      short: 'no cache',
      label: 'no cache (DynamoDB only)',
      module: 'bench/systems/no-cache.ts',
    },
    {
      key: 'original',
      short: 'original',
      label: 'original design, ported plainly',
      module: 'bench/systems/original-design.ts',
    },
    {
      key: 'bentocache',
      short: 'bentocache',
      label: `bentocache ${version('bentocache')} (Redis driver, getOrSet)`,
      module: 'bench/peers/bentocache.ts',
    },
    {
      key: 'cache-manager',
      short: 'cache-manager',
      label: `cache-manager ${version('cache-manager')} + @keyv/redis ${version('@keyv/redis')} (wrap)`,
      module: 'bench/peers/cache-manager.ts',
    },
    { key: 'aside', short: 'Aside', label: 'Aside', module: 'bench/systems/aside-lambda.ts' },
    { key: 'floor', short: 'floor', label: 'floor (HTTP + one Redis GET)', module: 'bench/systems/floor.ts' },
  ];
}
