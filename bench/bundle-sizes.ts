import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  readonly files: number;
  readonly javascriptBytes: number;
  /** What a cold start loads: index.mjs and the chunks it imports statically. */
  readonly coldStartBytes: number;
  /** Deflate-compressed JavaScript: close to what the deployment zip holds (source maps aside). */
  readonly compressedBytes: number;
}

// esbuild's minified ESM output: `from"./chunk-X.mjs"` or `import"./chunk-X.mjs"` is a static import.
const STATIC_IMPORT = /(?:from|import)\s*"\.\/([\w.-]+\.mjs)"/g;

/** Measures a folder built by scripts/build-function.ts (index.mjs and its chunks). */
export function measureBundleSize(dir: string): BundleSize {
  const scripts = new Map(
    readdirSync(dir)
      .filter((file) => file.endsWith('.mjs'))
      .map((file) => [file, readFileSync(join(dir, file))] as const),
  );
  const coldStart = staticClosure('index.mjs', scripts);
  let javascriptBytes = 0;
  let compressedBytes = 0;
  for (const contents of scripts.values()) {
    javascriptBytes += contents.length;
    compressedBytes += gzipSync(contents, { level: 9 }).length;
  }
  const coldStartBytes = [...coldStart].reduce((sum, file) => sum + (scripts.get(file)?.length ?? 0), 0);
  return { files: scripts.size, javascriptBytes, coldStartBytes, compressedBytes };
}

function staticClosure(entry: string, scripts: ReadonlyMap<string, Buffer>): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of scripts.get(file)?.toString().matchAll(STATIC_IMPORT) ?? []) {
      if (match[1]) pending.push(match[1]);
    }
  }
  return seen;
}
