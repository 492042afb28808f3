import { ConsecutiveBreaker, circuitBreaker as cockatielBreaker, handleAll } from 'cockatiel';
import { build } from 'esbuild';
import CircuitBreaker from 'opossum';

/**
 * `npx tsx bench/breakers.ts`: what each circuit-breaker candidate adds to one cache call (a resolved
 * promise wrapped CALLS times, closed circuit; three rounds in alternating order, median round), and
 * what it adds to a minified ESM bundle like the api function's.
 */
const CALLS = 200_000;
const ROUNDS = 3;
const COOLDOWN_MS = 5_000;
const THRESHOLD = 5;

const resolved = () => Promise.resolve('value');

function cockatielCall(): () => Promise<string> {
  const policy = cockatielBreaker(handleAll, {
    halfOpenAfter: COOLDOWN_MS,
    breaker: new ConsecutiveBreaker(THRESHOLD),
  });
  return () => policy.execute(resolved);
}

function opossumCall(): () => Promise<string> {
  // No timeout and no rolling percentage: the Redis adapter already has its deadline, so this is the
  // cheapest opossum configuration that still counts failures.
  const breaker = new CircuitBreaker(resolved, {
    timeout: false,
    resetTimeout: COOLDOWN_MS,
    volumeThreshold: THRESHOLD,
  });
  return () => breaker.fire();
}

const CANDIDATES: Record<string, () => () => Promise<string>> = {
  'none (bare await)': () => resolved,
  'cockatiel 3.2.1': cockatielCall,
  'opossum 9.0.0': opossumCall,
};

async function nanosecondsPerCall(call: () => Promise<string>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await call();
  return Number(process.hrtime.bigint() - started) / CALLS;
}

/** Bytes `pkg` puts in a minified ESM bundle built as the Lambda bundles are (esbuild metafile). */
async function bundleBytes(pkg: string, contents: string): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    write: false,
    metafile: true,
  });
  const inputs = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs));
  return inputs
    .filter(([path]) => path.startsWith(`node_modules/${pkg}/`))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
}

const names = Object.keys(CANDIDATES);
const rounds = new Map<string, number[]>(names.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const call = (CANDIDATES[name] as () => () => Promise<string>)();
    await nanosecondsPerCall(call); // warm-up, so the JIT has compiled the path being measured
    rounds.get(name)?.push(await nanosecondsPerCall(call));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const baseline = median(rounds.get(names[0] as string) ?? []);

const bundles: Record<string, [pkg: string, entry: string]> = {
  'cockatiel 3.2.1': [
    'cockatiel',
    `import { circuitBreaker, handleWhen, ConsecutiveBreaker } from 'cockatiel';
    export const b = circuitBreaker(handleWhen(() => true), { halfOpenAfter: 1, breaker: new ConsecutiveBreaker(5) });`,
  ],
  'opossum 9.0.0': [
    'opossum',
    `import CircuitBreaker from 'opossum';
    export const b = new CircuitBreaker(async () => 1, { timeout: false });`,
  ],
};
console.log(`per call, median of ${ROUNDS} rounds of ${CALLS.toLocaleString()} calls:`);
for (const name of names) {
  const ns = median(rounds.get(name) ?? []);
  const entry = bundles[name];
  const bundle = entry ? `, +${((await bundleBytes(...entry)) / 1024).toFixed(1)} KiB minified` : '';
  console.log(`  ${name}: ${ns.toFixed(0)} ns/call (+${(ns - baseline).toFixed(0)} ns)${bundle}`);
}
