import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const PACKAGES = [
  'ioredis',
  'bentocache',
  'cache-manager',
  '@keyv/redis',
  'keyv',
  '@aws-sdk/client-dynamodb',
  'dynalite',
  'hono',
  'autocannon',
  'hdr-histogram-js',
];

/** The versions the run used, as installed, and the redis-server binary's. */
export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) {
    const manifest = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as {
      version: string;
    };
    versions[name] = manifest.version;
  }
  const redis = execFileSync('redis-server', ['--version'])
    .toString()
    .match(/v=([\d.]+)/)?.[1];
  versions['redis-server'] = redis ?? 'unknown';
  return versions;
}
