/**
 * The Lambda functions this project builds: one esbuild bundle each, at
 * dist/functions/<name>/index.mjs, exporting `handler` (so Lambda's handler is `index.handler`).
 * infra/terraform deploys exactly these.
 */
export const LAMBDA_FUNCTIONS = [
  { name: 'api', entry: 'src/lambda/api.ts' },
  { name: 'writer', entry: 'src/lambda/writer.ts' },
  { name: 'stream', entry: 'src/lambda/stream.ts' },
] as const;

export const LAMBDA_HANDLER = 'index.handler';

export function bundlePath(name: string): string {
  return `dist/functions/${name}/index.mjs`;
}
