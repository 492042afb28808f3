import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Body,
  isBody,
  isExpression,
  loadTerraform,
  moduleSource,
  REPO_ROOT,
  referencesIn,
  TERRAFORM_ROOT,
  type TerraformDir,
} from './support/load-terraform.js';

const MODULE_META_ARGUMENTS = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
const ALWAYS_AVAILABLE = new Set(['path', 'terraform']);

interface Scope {
  readonly block: string;
  readonly hasCount: boolean;
  readonly hasForEach: boolean;
  readonly iterators: ReadonlySet<string>;
}

/** Collects every expression string of a block with the names in scope where it appears. */
function collectExpressions(
  value: unknown,
  scope: Scope,
  found: { expression: string; scope: Scope }[],
): void {
  if (isExpression(value)) {
    found.push({ expression: value, scope });
  } else if (Array.isArray(value)) {
    for (const item of value) collectExpressions(item, scope, found);
  } else if (isBody(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'dynamic' && isBody(child)) {
        for (const [blockName, generators] of Object.entries(child)) {
          for (const generator of generators as Body[]) {
            collectExpressions(generator.for_each, scope, found);
            const iterator = typeof generator.iterator === 'string' ? generator.iterator : blockName;
            const inner = { ...scope, iterators: new Set([...scope.iterators, iterator]) };
            collectExpressions(generator.content, inner, found);
          }
        }
      } else {
        collectExpressions(child, scope, found);
      }
    }
  }
}

/** The output a module reference reads: the first segment after the module name that is not an index. */
function moduleOutputName(parts: string[]): string | undefined {
  return parts.slice(2).find((part) => !/^\d+$/.test(part) && !part.startsWith('"'));
}

async function unresolvedReferences(dir: TerraformDir): Promise<string[]> {
  const problems: string[] = [];
  for (const { kind, label, body } of dir.blocks) {
    if (kind === 'terraform') continue;
    const scope: Scope = {
      block: label,
      hasCount: isBody(body) && body.count !== undefined,
      hasForEach: isBody(body) && body.for_each !== undefined,
      iterators: new Set(),
    };
    // A variable's type is a type expression, not references.
    const inspected = kind === 'variable' && isBody(body) ? { ...body, type: undefined } : body;
    const expressions: { expression: string; scope: Scope }[] = [];
    collectExpressions(inspected, scope, expressions);
    for (const { expression, scope: at } of expressions) {
      for (const reference of await referencesIn(expression)) {
        const problem = await resolve(dir, reference, at);
        if (problem) problems.push(`${dir.name} ${at.block}: ${reference} ${problem}`);
      }
    }
  }
  return problems;
}

/** Returns why a reference does not resolve, or undefined when it does. */
async function resolve(dir: TerraformDir, reference: string, scope: Scope): Promise<string | undefined> {
  const parts = reference.split('.');
  const [root = '', first = '', second = ''] = parts;
  if (ALWAYS_AVAILABLE.has(root) || scope.iterators.has(root)) return undefined;
  switch (root) {
    case 'var':
      return dir.variables.has(first) ? undefined : 'names an undeclared variable';
    case 'local':
      return dir.locals.has(first) ? undefined : 'names an undeclared local';
    case 'each':
      return scope.hasForEach ? undefined : 'is used in a block without for_each';
    case 'count':
      return scope.hasCount ? undefined : 'is used in a block without count';
    case 'data':
      return dir.data.get(first)?.has(second) ? undefined : 'names an undeclared data source';
    case 'ephemeral':
      return dir.ephemeral.get(first)?.has(second) ? undefined : 'names an undeclared ephemeral resource';
    case 'module': {
      const call = dir.modules.get(first);
      if (!call) return 'names an undeclared module';
      const target = await moduleSource(dir, call);
      if (!target) return `calls a module folder that does not exist (${String(call.source)})`;
      const output = moduleOutputName(parts);
      return output === undefined || target.outputs.has(output)
        ? undefined
        : `reads no output of ${target.name}`;
    }
    default:
      if (!root.includes('_')) return 'is not a known kind of reference';
      return dir.resources.get(root)?.has(first) ? undefined : 'names an undeclared resource';
  }
}

async function moduleCallProblems(dir: TerraformDir): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, call] of dir.modules) {
    const target = await moduleSource(dir, call);
    if (!target) {
      problems.push(`${dir.name} module.${name}: source ${String(call.source)} is not a module folder`);
      continue;
    }
    const passed = Object.keys(call).filter((argument) => !MODULE_META_ARGUMENTS.has(argument));
    for (const argument of passed) {
      if (!target.variables.has(argument)) {
        problems.push(`${dir.name} module.${name}: ${argument} is not a variable of ${target.name}`);
      }
    }
    for (const [variable, declaration] of target.variables) {
      if (!('default' in declaration) && !passed.includes(variable)) {
        problems.push(
          `${dir.name} module.${name}: required variable ${variable} of ${target.name} is not passed`,
        );
      }
    }
  }
  return problems;
}

describe('Terraform references', async () => {
  const dirs = [...(await loadTerraform()).values()];

  it('finds the modules and the example environment', () => {
    expect(dirs.map((dir) => dir.name).sort()).toEqual([
      'environments/example',
      'modules/api',
      'modules/cache',
      'modules/dax',
      'modules/function',
      'modules/network',
      'modules/observability',
      'modules/pipeline',
      'modules/stream',
      'modules/table',
    ]);
  });

  it.each(dirs.map((dir) => [dir.name, dir] as const))(
    '%s has main, variables, outputs and versions files',
    (_, dir) => {
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) {
        expect(existsSync(join(dir.path, file)), `${dir.name}/${file}`).toBe(true);
      }
    },
  );

  it.each(dirs.map((dir) => [dir.name, dir] as const))(
    '%s: every reference resolves to a declaration',
    async (_, dir) => {
      expect(await unresolvedReferences(dir)).toEqual([]);
    },
  );

  it.each(dirs.map((dir) => [dir.name, dir] as const))(
    '%s: module calls pass only declared variables and every required one',
    async (_, dir) => {
      expect(await moduleCallProblems(dir)).toEqual([]);
    },
  );

  it.each(dirs.map((dir) => [dir.name, dir] as const))(
    '%s: variables and outputs are described',
    (_, dir) => {
      const undocumented = [
        ...[...dir.variables]
          .filter(([, body]) => typeof body.description !== 'string')
          .map(([n]) => `var.${n}`),
        ...[...dir.outputs]
          .filter(([, body]) => typeof body.description !== 'string')
          .map(([n]) => `output.${n}`),
      ];
      expect(undocumented).toEqual([]);
    },
  );

  it('names only declared variables in terraform.tfvars.example, commented-out ones included', () => {
    const env = dirs.find((dir) => dir.name === 'environments/example');
    if (!env) throw new Error('no environments/example');
    const text = readFileSync(join(env.path, 'terraform.tfvars.example'), 'utf8');
    const named = [...text.matchAll(/^#?\s*([a-z][a-z0-9_]*)\s*=/gm)].map((match) => match[1] as string);
    expect(named).toContain('cache_grace_seconds');
    expect(named.filter((name) => !env.variables.has(name))).toEqual([]);
  });

  it('mentions only documents that exist (relative to the file or the repository root)', () => {
    const files = (readdirSync(TERRAFORM_ROOT, { recursive: true }) as string[])
      .filter((file) => !file.split('/').some((part) => part.startsWith('.')))
      .map((file) => join(TERRAFORM_ROOT, file))
      .filter((file) => /\.(tf|md|example|yml)$/.test(file));
    const missing: string[] = [];
    for (const file of files) {
      for (const [mention] of readFileSync(file, 'utf8').matchAll(/[A-Za-z0-9_./-]+\.md\b/g)) {
        if (!existsSync(join(dirname(file), mention)) && !existsSync(join(REPO_ROOT, mention))) {
          missing.push(`${file}: ${mention}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
