import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Imports the bundle as Lambda's runtime does (top-level await included) and prints how long it took. */
const TIMED_IMPORT = `
const started = performance.now();
await import(process.env.BUNDLE_URL);
process.stdout.write(JSON.stringify({ initMs: performance.now() - started }) + '\\n');
process.exit(0);`;

/** The same import with a load hook listing every module loaded, to count the bundle's bytes read at init. */
const LISTED_IMPORT = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
await import(process.env.BUNDLE_URL);
process.stdout.write(JSON.stringify({ loaded }) + '\\n');
process.exit(0);`;

export interface InitMeasurement {
  readonly initMsMedian: number;
  readonly initMsRuns: readonly number[];
  /** The bundle's files imported during init, with their sizes. */
  readonly loadedFiles: readonly { readonly file: string; readonly bytes: number }[];
  readonly loadedBytes: number;
}

async function importOnce(node: string, script: string, bundle: string, env: NodeJS.ProcessEnv) {
  const { stdout } = await run(node, ['--input-type=module', '-e', script], {
    env: { ...env, BUNDLE_URL: pathToFileURL(bundle).href },
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout
    .split('\n')
    .find((text) => text.startsWith('{"initMs"') || text.startsWith('{"loaded"'));
  if (!line) throw new Error(`no measurement in the import's output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line) as { initMs?: number; loaded?: string[] };
}

/** Init of the bundle in `runs` fresh processes (median), and the bundle files loaded during init. */
export async function measureInit(
  node: string,
  bundle: string,
  env: NodeJS.ProcessEnv,
  runs: number,
): Promise<InitMeasurement> {
  const initMsRuns: number[] = [];
  for (let i = 0; i < runs; i++)
    initMsRuns.push((await importOnce(node, TIMED_IMPORT, bundle, env)).initMs ?? 0);
  const { loaded = [] } = await importOnce(node, LISTED_IMPORT, bundle, env);
  const bundleDir = dirname(bundle);
  const loadedFiles = loaded
    .filter((url) => url.startsWith('file:'))
    .map((url) => fileURLToPath(url))
    .filter((file) => dirname(file) === bundleDir)
    .map((file) => ({ file: file.slice(bundleDir.length + 1), bytes: statSync(file).size }));
  const sorted = [...initMsRuns].sort((a, b) => a - b);
  return {
    initMsMedian: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    initMsRuns,
    loadedFiles,
    loadedBytes: loadedFiles.reduce((sum, file) => sum + file.bytes, 0),
  };
}
