import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LAMBDA_FUNCTIONS } from '../scripts/lambda-functions.js';

export interface BundleSize {
  readonly name: string;
  readonly files: number;
  readonly javascriptBytes: number;
  /** Deflate-compressed JavaScript: close to what the deployment zip holds (source maps aside). */
  readonly compressedBytes: number;
}

/** Runs `npm run build` and measures each function's output. */
export function measureBundleSizes(): BundleSize[] {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'ignore' });
  return LAMBDA_FUNCTIONS.map(({ name }) => {
    const dir = join('dist', 'functions', name);
    const scripts = readdirSync(dir).filter((file) => file.endsWith('.mjs'));
    let javascriptBytes = 0;
    let compressedBytes = 0;
    for (const file of scripts) {
      const path = join(dir, file);
      javascriptBytes += statSync(path).size;
      compressedBytes += gzipSync(readFileSync(path), { level: 9 }).length;
    }
    return { name, files: scripts.length, javascriptBytes, compressedBytes };
  });
}
