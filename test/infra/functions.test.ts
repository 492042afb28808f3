import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFunction } from '../../scripts/build-function.js';
import { bundlePath, LAMBDA_FUNCTIONS, LAMBDA_HANDLER } from '../../scripts/lambda-functions.js';
import { loadConfig } from '../../src/config/config.js';
import {
  type Body,
  dataSource,
  expr,
  moduleCall,
  moduleSource,
  REPO_ROOT,
  referencesIn,
  resource,
  type TerraformDir,
  terraformDir,
} from './support/load-terraform.js';

interface DeployedFunction {
  readonly call: string;
  readonly handler: unknown;
  /** Where Terraform zips the bundle from, resolved with the variables' defaults. */
  readonly bundle: string;
  readonly body: Body;
}

/** Substitutes `${var.x}` with the variable's default so a path can be resolved on disk. */
function withDefaults(dir: TerraformDir, expression: string): string {
  return expression.replace(/\$\{var\.(\w+)\}/g, (_, name: string) => {
    const value = dir.variables.get(name)?.default;
    if (typeof value !== 'string') throw new Error(`${dir.name}: var.${name} has no string default`);
    return value;
  });
}

async function deployedFunctions(): Promise<DeployedFunction[]> {
  const env = await terraformDir('environments/example');
  const functionModule = await terraformDir('modules/function');
  const found: DeployedFunction[] = [];
  for (const [call, body] of env.modules) {
    if ((await moduleSource(env, body)) !== functionModule) continue;
    const sourceDir = withDefaults(env, String(body.source_dir));
    found.push({
      call,
      handler: body.handler ?? functionModule.variables.get('handler')?.default,
      bundle: resolve(env.path, sourceDir, 'index.mjs'),
      body,
    });
  }
  return found;
}

/** The variables src/config/config.ts reads (its zod schema's keys). */
function appEnvironmentVariables(): Set<string> {
  const source = readFileSync(join(REPO_ROOT, 'src/config/config.ts'), 'utf8');
  const schema = source.slice(source.indexOf('const environmentSchema'), source.indexOf('});'));
  return new Set([...schema.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1] as string));
}

/** Cache-policy variables config.ts reads that Terraform leaves to the app, and why. */
const POLICY_LEFT_TO_THE_APP = new Set([
  // Derived from DYNAMODB_TIMEOUT_MS, so a lease outlives a load whatever that timeout is.
  'CACHE_LEASE_TTL_MS',
]);

/** Cache-policy variables only the functions that maintain the cache after writes read, and why. */
const WRITE_SIDE_KNOBS = new Set([
  // Only a write (through the API or seen on the stream) writes through or invalidates, and raises a fence.
  'CACHE_WRITE_MODE',
  'CACHE_FENCE_TTL_MS',
]);

/**
 * What each function module call must receive: its bundle, whether it maintains the cache after writes
 * (the write-side knobs) and whether it reads through DAX when DAX is deployed.
 */
const FUNCTION_ROLES: Record<string, { bundle: string; writeSide: boolean; dax: boolean }> = {
  api_function: { bundle: 'api', writeSide: false, dax: true },
  // Writes go to DynamoDB itself: DAX would need dax:PutItem/DeleteItem and would serve its own copy.
  writer_function: { bundle: 'writer', writeSide: true, dax: false },
  // Reads no item: the images arrive in the stream records.
  stream_function: { bundle: 'stream', writeSide: true, dax: false },
};

/** Values around every bound config.ts sets on a cache knob: below, at and above each, whole and not. */
const PROBE_VALUES = [
  -1, -0.5, 0, 0.25, 1, 1.5, 2, 10, 10.5, 49.5, 50, 50.5, 51, 300, 3600, 9999.5, 10_000, 10_000.5, 10_001,
  86_399.5, 86_400, 86_400.5, 86_401, 604_799.5, 604_800, 604_800.5, 604_801, 3_599_999.5, 3_600_000,
  3_600_000.5, 3_600_001, 31_535_999.5, 31_536_000, 31_536_000.5, 31_536_001,
];

/** Values of a string knob to probe: each the app accepts, and near misses. Blank means unset to the app. */
const STRING_PROBES = [
  'write-through',
  'invalidate',
  'Write-Through',
  'INVALIDATE',
  'writethrough',
  'none',
  ' invalidate',
];

/**
 * Evaluates a variable's validation condition for one value. Conditions here use only comparisons,
 * && / || / !, and floor(), which mean the same in JavaScript; anything else is refused, not guessed.
 */
function validationAccepts(condition: unknown, variable: string, value: number): boolean {
  const source = String(condition).replace(/^\$\{([\s\S]*)\}$/, '$1');
  const js = source.replaceAll(`var.${variable}`, 'value').replace(/\bfloor\(/g, 'Math.floor(');
  if (!/^(?:value|Math\.floor|[\d.\s<>=!&|()])+$/.test(js)) {
    throw new Error(`var.${variable}: cannot evaluate the condition ${source}`);
  }
  return Boolean(new Function('value', `return ${js};`)(value));
}

/** Evaluates a string variable's validation of the form contains(["a", "b"], var.x). */
function stringValidationAccepts(condition: unknown, variable: string, value: string): boolean {
  const source = String(condition).replace(/^\$\{([\s\S]*)\}$/, '$1');
  const match = new RegExp(`^contains\\((\\[[^\\]]*\\]), var\\.${variable}\\)$`).exec(source);
  if (!match) throw new Error(`var.${variable}: cannot evaluate the condition ${source}`);
  return (JSON.parse(match[1] as string) as string[]).includes(value);
}

/**
 * The cache-policy entries of an environment expression (CACHE_KEY_PREFIX, the Redis key space, is not
 * one): NAME = tostring(var.x) for numbers, NAME = var.x for strings.
 */
function knobsPassed(environment: string): Map<string, { variable: string; text: boolean }> {
  return new Map(
    [...environment.matchAll(/\b(CACHE_[A-Z0-9_]+)\s*=\s*(?:tostring\(var\.(\w+)\)|var\.(\w+))/g)]
      .filter((match) => match[1] !== 'CACHE_KEY_PREFIX')
      .map(
        (match) =>
          [
            match[1] as string,
            { variable: (match[2] ?? match[3]) as string, text: match[3] !== undefined },
          ] as const,
      ),
  );
}

function appAccepts(name: string, value: string): boolean {
  try {
    loadConfig({ [name]: value });
    return true;
  } catch {
    return false;
  }
}

describe('functions', async () => {
  const functionModule = await terraformDir('modules/function');
  const lambda = resource(functionModule, 'aws_lambda_function', 'this');
  const deployed = await deployedFunctions();
  const outDir = mkdtempSync(join(tmpdir(), 'aside-functions-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('deploys exactly the functions of scripts/lambda-functions.ts, from their bundle paths', () => {
    const expected = LAMBDA_FUNCTIONS.map((fn) => resolve(REPO_ROOT, bundlePath(fn.name))).sort();
    expect(deployed.map((fn) => fn.bundle).sort()).toEqual(expected);
  });

  it('deploys each function from its own bundle, as the role it plays', () => {
    expect(deployed.map((fn) => fn.call).sort()).toEqual(Object.keys(FUNCTION_ROLES).sort());
    for (const fn of deployed) {
      const role = FUNCTION_ROLES[fn.call];
      expect(fn.bundle, fn.call).toBe(resolve(REPO_ROOT, bundlePath(role?.bundle ?? '?')));
    }
  });

  it('gives each function its own role with its own policy document', () => {
    const documents = deployed.map((fn) => fn.body.policy_json);
    for (const fn of deployed) {
      expect(fn.body.policy_json, fn.call).toBe(expr(`data.aws_iam_policy_document.${fn.call}.json`));
    }
    expect(new Set(documents).size).toBe(deployed.length);
    // One role per module call, named after the function.
    expect(resource(functionModule, 'aws_iam_role', 'this').name).toBe(`${expr('var.name')}-function`);
    expect(lambda.role).toBe(expr('aws_iam_role.this.arn'));
    expect(resource(functionModule, 'aws_iam_role_policy', 'app').policy).toBe(expr('var.policy_json'));
  });

  it('creates a function only once its role holds its policies (an event source mapping checks them)', () => {
    expect(lambda.depends_on).toEqual(
      expect.arrayContaining([
        expr('aws_iam_role_policy.runtime'),
        expr('aws_iam_role_policy.app'),
        expr('aws_cloudwatch_log_group.this'),
      ]),
    );
    // Every policy the module puts on the role, whatever it is named.
    for (const name of functionModule.resources.get('aws_iam_role_policy')?.keys() ?? []) {
      expect(lambda.depends_on, name).toContain(expr(`aws_iam_role_policy.${name}`));
    }
    expect(functionModule.resources.get('aws_iam_role_policy_attachment')).toBeUndefined();
  });

  it('uses the handler every bundle exports', () => {
    for (const fn of deployed) expect(fn.handler, fn.call).toBe(LAMBDA_HANDLER);
    expect(lambda.handler).toBe(expr('var.handler'));
  });

  it('zips the bundle folder it is given and deploys that zip', () => {
    const archive = dataSource(functionModule, 'archive_file', 'this');
    expect(archive).toMatchObject({ type: 'zip', source_dir: expr('var.source_dir') });
    expect(lambda.filename).toBe(expr('data.archive_file.this.output_path'));
    expect(lambda.source_code_hash).toBe(expr('data.archive_file.this.output_base64sha256'));
  });

  it.each(LAMBDA_FUNCTIONS.map((fn) => [fn.name, fn] as const))(
    '%s: the entry bundles to index.mjs exporting handler',
    async (name, fn) => {
      expect(existsSync(join(REPO_ROOT, fn.entry)), fn.entry).toBe(true);
      const target = join(outDir, name);
      const result = await buildFunction(fn.entry, target, { absWorkingDir: REPO_ROOT });
      const entry = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('/index.mjs'));
      expect(entry, 'index.mjs in the build output').toBeDefined();
      expect(existsSync(join(target, 'index.mjs'))).toBe(true);
      expect(entry?.[1].exports).toContain(LAMBDA_HANDLER.split('.')[1]);
    },
    60_000,
  );

  it('runs nodejs22.x on arm64 in the VPC, traced, with JSON logs in its own group', () => {
    expect(lambda).toMatchObject({
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      tracing_config: [{ mode: 'Active' }],
      reserved_concurrent_executions: expr('var.reserved_concurrent_executions'),
      vpc_config: [
        { subnet_ids: expr('var.subnet_ids'), security_group_ids: expr('var.security_group_ids') },
      ],
      logging_config: [{ log_format: 'JSON', log_group: expr('aws_cloudwatch_log_group.this.name') }],
    });
    expect(resource(functionModule, 'aws_cloudwatch_log_group', 'this').retention_in_days).toBe(
      expr('var.log_retention_days'),
    );
  });

  it('sets only environment variables the app reads, including the ones it needs on AWS', async () => {
    const known = appEnvironmentVariables();
    expect(known.has('REDIS_URL')).toBe(true);
    for (const fn of deployed) {
      const environment = String(fn.body.environment);
      const names = [...environment.matchAll(/\b([A-Z][A-Z0-9_]+)\s*=/g)].map((match) => match[1] as string);
      expect(
        names.filter((name) => !known.has(name)),
        fn.call,
      ).toEqual([]);
      expect(names, fn.call).toEqual(
        expect.arrayContaining([
          'TABLE_NAME',
          'REDIS_URL',
          'REDIS_MODE',
          'REDIS_AUTH_SECRET_ARN',
          'CACHE_KEY_PREFIX',
          'METRICS_NAMESPACE',
          'SERVICE_NAME',
        ]),
      );
      // The same Redis user and key prefix for every function.
      expect(environment, fn.call).toContain('CACHE_KEY_PREFIX      = var.cache_key_prefix');
      expect(environment, fn.call).toContain('REDIS_URL             = module.cache.redis_url');
      if (FUNCTION_ROLES[fn.call]?.dax) {
        // DAX_ENDPOINT only when DAX is deployed.
        expect(names).toContain('DAX_ENDPOINT');
        expect(environment).toContain('var.dax_enabled ? { DAX_ENDPOINT = module.dax[0].endpoint_url } : {}');
      } else {
        expect(names, `${fn.call} goes to DynamoDB itself`).not.toContain('DAX_ENDPOINT');
      }
      expect(await referencesIn(environment)).toContain('module.cache.auth_secret_arn');
    }
  });

  it.each(Object.keys(FUNCTION_ROLES))(
    "%s: passes every cache-policy knob config.ts reads that it needs, with the app's defaults and ranges",
    async (call) => {
      const env = await terraformDir('environments/example');
      const environment = String(moduleCall(env, call).environment);
      const passed = knobsPassed(environment);
      const policyKnobs = [...appEnvironmentVariables()].filter(
        (name) => name.startsWith('CACHE_') && name !== 'CACHE_KEY_PREFIX',
      );
      for (const knob of WRITE_SIDE_KNOBS) expect(policyKnobs, 'config.ts reads it').toContain(knob);
      const needed = policyKnobs
        .filter((name) => !POLICY_LEFT_TO_THE_APP.has(name))
        .filter((name) => FUNCTION_ROLES[call]?.writeSide || !WRITE_SIDE_KNOBS.has(name));
      expect([...passed.keys()].sort()).toEqual(needed.sort());

      const appDefaults = loadConfig({});
      for (const [name, { variable: variableName, text }] of passed) {
        const variable = env.variables.get(variableName);
        // Leaving the variable alone deploys what the app does without the setting.
        expect(loadConfig({ [name]: String(variable?.default) }), variableName).toEqual(appDefaults);
        const rules = (variable?.validation ?? []) as Body[];
        expect(rules, variableName).toHaveLength(1);
        if (text) {
          expect(variable?.type, variableName).toBe(expr('string'));
          for (const value of STRING_PROBES) {
            expect(
              stringValidationAccepts(rules[0]?.condition, variableName, value),
              `${variableName} = "${value}"`,
            ).toBe(appAccepts(name, value));
          }
          continue;
        }
        expect(variable?.type, variableName).toBe(expr('number'));
        for (const value of PROBE_VALUES) {
          // Terraform's tostring() writes these numbers as String() does.
          expect(
            validationAccepts(rules[0]?.condition, variableName, value),
            `${variableName} = ${value}`,
          ).toBe(appAccepts(name, String(value)));
        }
      }
    },
  );

  it('passes every function the same cache policy variables', async () => {
    const env = await terraformDir('environments/example');
    const byFunction = Object.keys(FUNCTION_ROLES).map((call) =>
      knobsPassed(String(moduleCall(env, call).environment)),
    );
    const writer = byFunction[1] as Map<string, { variable: string }>;
    for (const passed of byFunction) {
      for (const [name, { variable }] of passed) expect(variable, name).toBe(writer.get(name)?.variable);
    }
  });
});
