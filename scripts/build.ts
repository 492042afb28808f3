import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { build } from 'esbuild';
import { bundlePath, LAMBDA_FUNCTIONS } from './lambda-functions.js';

/** CommonJS dependencies (ioredis, the AWS SDK) call require() for Node built-ins inside an ESM bundle. */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** One minified ESM bundle per Lambda function, for the nodejs22.x runtime; the SDK is bundled, pinned. */
async function buildFunctions(): Promise<void> {
  await rm('dist/functions', { recursive: true, force: true });
  for (const fn of LAMBDA_FUNCTIONS) {
    const outfile = bundlePath(fn.name);
    const result = await build({
      entryPoints: { index: fn.entry },
      outdir: dirname(outfile),
      outExtension: { '.js': '.mjs' },
      // Code only some deployments load (the DAX client) goes to its own chunk, read only when imported.
      splitting: true,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      sourcemap: 'linked',
      legalComments: 'none',
      banner: { js: REQUIRE_SHIM },
      metafile: true,
      logLevel: 'warning',
    });
    let totalBytes = 0;
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      if (!file.endsWith('.mjs')) continue;
      totalBytes += output.bytes;
      process.stdout.write(`${fn.name.padEnd(8)} ${file.padEnd(48)} ${kib(output.bytes)}\n`);
    }
    process.stdout.write(`${fn.name.padEnd(8)} ${'total JavaScript'.padEnd(48)} ${kib(totalBytes)}\n`);
  }
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0).padStart(5)} KiB`;
}

await buildFunctions();
