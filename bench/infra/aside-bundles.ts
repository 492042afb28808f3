import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFunction } from '../../scripts/build-function.js';
import { LAMBDA_FUNCTIONS } from '../../scripts/lambda-functions.js';

export interface AsideBundles {
  /** index.mjs of the api and writer functions, built as `npm run build` builds them. */
  readonly api: string;
  readonly writer: string;
  readonly apiDir: string;
  remove(): Promise<void>;
}

export async function buildAsideBundles(): Promise<AsideBundles> {
  const dir = await mkdtemp(join(tmpdir(), 'aside-bench-functions-'));
  const entryOf = (name: string) => {
    const fn = LAMBDA_FUNCTIONS.find((candidate) => candidate.name === name);
    if (!fn) throw new Error(`no ${name} function in the manifest`);
    return fn.entry;
  };
  await buildFunction(entryOf('api'), join(dir, 'api'));
  await buildFunction(entryOf('writer'), join(dir, 'writer'));
  return {
    api: join(dir, 'api', 'index.mjs'),
    writer: join(dir, 'writer', 'index.mjs'),
    apiDir: join(dir, 'api'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
