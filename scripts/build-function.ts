import { type BuildResult, build } from 'esbuild';

/** CommonJS dependencies (ioredis, the AWS SDK) call require() for Node built-ins inside an ESM bundle. */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * One Lambda function's bundle: minified ESM for the nodejs22.x runtime, `index.mjs` in `outdir`, the
 * AWS SDK bundled at the pinned version. Code only some deployments load (the DAX client) goes to its
 * own chunk, read only when imported.
 */
export function buildFunction(
  entry: string,
  outdir: string,
  options: { readonly absWorkingDir?: string } = {},
): Promise<BuildResult<{ metafile: true }>> {
  return build({
    absWorkingDir: options.absWorkingDir,
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
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
}
