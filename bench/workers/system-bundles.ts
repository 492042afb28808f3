import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFunction } from '../../scripts/build-function.js';

export interface BuiltBundle {
  /** The file a worker process runs (index.mjs). */
  readonly entry: string;
  readonly dir: string;
}

/**
 * A system's adapter and the worker loop as one minified ESM bundle, built exactly as the Lambda
 * functions are (scripts/build-function.ts): workers then start without a TypeScript loader, and the
 * bundle's size is what a function built on that system would ship.
 */
export async function buildSystemBundle(module: string): Promise<BuiltBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'aside-bench-system-'));
  const source = join(dir, 'entry.ts');
  await writeFile(
    source,
    `import { createSystem } from ${JSON.stringify(resolve(module))};\n` +
      `import { runWorker } from ${JSON.stringify(resolve('bench/workers/system-worker.ts'))};\n` +
      'await runWorker(createSystem);\n',
  );
  await buildFunction(source, join(dir, 'out'), { absWorkingDir: process.cwd() });
  return { entry: join(dir, 'out', 'index.mjs'), dir };
}

export function removeBundle(bundle: { readonly dir: string }): Promise<void> {
  return rm(bundle.dir, { recursive: true, force: true });
}
