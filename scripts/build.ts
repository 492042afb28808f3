import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { buildFunction } from './build-function.js';
import { bundlePath, LAMBDA_FUNCTIONS } from './lambda-functions.js';

/** `npm run build`: every function in the manifest, with the size of each output file. */
await rm('dist/functions', { recursive: true, force: true });
for (const fn of LAMBDA_FUNCTIONS) {
  const result = await buildFunction(fn.entry, dirname(bundlePath(fn.name)));
  let totalBytes = 0;
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (!file.endsWith('.mjs')) continue;
    totalBytes += output.bytes;
    process.stdout.write(`${fn.name.padEnd(8)} ${file.padEnd(48)} ${kib(output.bytes)}\n`);
  }
  process.stdout.write(`${fn.name.padEnd(8)} ${'total JavaScript'.padEnd(48)} ${kib(totalBytes)}\n`);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0).padStart(5)} KiB`;
}
