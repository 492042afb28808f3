import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getReferencesInExpression, parse } from '@cdktf/hcl2json';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const TERRAFORM_ROOT = join(REPO_ROOT, 'infra/terraform');

/** A block body as @cdktf/hcl2json renders it: literals stay JSON, expressions become "${...}" strings. */
export type Body = Record<string, unknown>;

/** One Terraform module folder (a root module or a child module), every .tf file merged. */
export interface TerraformDir {
  /** Path relative to infra/terraform, e.g. modules/cache. */
  readonly name: string;
  readonly path: string;
  readonly files: readonly string[];
  /** resource type → name → body; `data` and `ephemeral` likewise. */
  readonly resources: Map<string, Map<string, Body>>;
  readonly data: Map<string, Map<string, Body>>;
  readonly ephemeral: Map<string, Map<string, Body>>;
  readonly variables: Map<string, Body>;
  readonly outputs: Map<string, Body>;
  readonly locals: Map<string, unknown>;
  readonly modules: Map<string, Body>;
  /** Top-level blocks in file order, for walkers that look at everything. */
  readonly blocks: readonly { kind: string; label: string; body: unknown }[];
}

function listTfFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : listTfFiles(full);
    return entry.name.endsWith('.tf') ? [full] : [];
  });
}

/** hcl2json wraps every block body in a one-element array. */
export function only(value: unknown): Body {
  if (Array.isArray(value) && value.length === 1 && isBody(value[0])) return value[0];
  throw new Error(`expected one block, got ${JSON.stringify(value)}`);
}

/** Nested blocks (statement, condition, ...) come as arrays of bodies; absent means none. */
export function blocksOf(body: Body, key: string): Body[] {
  const value = body[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`expected ${key} to be a block list`);
  return value.filter(isBody);
}

export function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${');
}

async function loadDir(path: string, files: string[]): Promise<TerraformDir> {
  const dir = {
    name: relative(TERRAFORM_ROOT, path),
    path,
    files,
    resources: new Map<string, Map<string, Body>>(),
    data: new Map<string, Map<string, Body>>(),
    ephemeral: new Map<string, Map<string, Body>>(),
    variables: new Map<string, Body>(),
    outputs: new Map<string, Body>(),
    locals: new Map<string, unknown>(),
    modules: new Map<string, Body>(),
    blocks: [] as { kind: string; label: string; body: unknown }[],
  };
  for (const file of files) {
    const json = await parse(file, readFileSync(file, 'utf8'));
    for (const [kind, content] of Object.entries(json)) {
      if (kind === 'resource' || kind === 'data' || kind === 'ephemeral') {
        const target = kind === 'resource' ? dir.resources : kind === 'data' ? dir.data : dir.ephemeral;
        for (const [type, byName] of Object.entries(content as Record<string, Record<string, unknown>>)) {
          for (const [name, body] of Object.entries(byName)) {
            const named = target.get(type) ?? new Map<string, Body>();
            if (named.has(name)) throw new Error(`${dir.name}: ${kind} ${type}.${name} declared twice`);
            named.set(name, only(body));
            target.set(type, named);
            dir.blocks.push({
              kind,
              label: `${kind === 'resource' ? '' : `${kind}.`}${type}.${name}`,
              body: only(body),
            });
          }
        }
      } else if (kind === 'variable' || kind === 'output' || kind === 'module') {
        const target = kind === 'variable' ? dir.variables : kind === 'output' ? dir.outputs : dir.modules;
        for (const [name, body] of Object.entries(content as Record<string, unknown>)) {
          if (target.has(name)) throw new Error(`${dir.name}: ${kind} ${name} declared twice`);
          target.set(name, only(body));
          dir.blocks.push({ kind, label: `${kind}.${name}`, body: only(body) });
        }
      } else if (kind === 'locals') {
        for (const block of content as Body[]) {
          for (const [name, value] of Object.entries(block)) {
            if (dir.locals.has(name)) throw new Error(`${dir.name}: local ${name} declared twice`);
            dir.locals.set(name, value);
            dir.blocks.push({ kind, label: `local.${name}`, body: value });
          }
        }
      } else {
        // terraform and provider blocks
        dir.blocks.push({ kind, label: kind, body: content });
      }
    }
  }
  return dir;
}

let cache: Promise<Map<string, TerraformDir>> | undefined;

/** Every folder under infra/terraform that holds .tf files, keyed by its path relative to infra/terraform. */
export function loadTerraform(): Promise<Map<string, TerraformDir>> {
  cache ??= (async () => {
    if (!existsSync(TERRAFORM_ROOT)) throw new Error(`${TERRAFORM_ROOT} does not exist`);
    const byFolder = new Map<string, string[]>();
    for (const file of listTfFiles(TERRAFORM_ROOT)) {
      byFolder.set(dirname(file), [...(byFolder.get(dirname(file)) ?? []), file]);
    }
    const dirs = await Promise.all([...byFolder].map(([folder, files]) => loadDir(folder, files.sort())));
    return new Map(dirs.map((dir) => [dir.name, dir]));
  })();
  return cache;
}

export async function terraformDir(name: string): Promise<TerraformDir> {
  const dir = (await loadTerraform()).get(name);
  if (!dir) throw new Error(`no Terraform folder infra/terraform/${name}`);
  return dir;
}

export function resource(dir: TerraformDir, type: string, name: string): Body {
  const body = dir.resources.get(type)?.get(name);
  if (!body) throw new Error(`${dir.name}: no resource ${type}.${name}`);
  return body;
}

export function ephemeralResource(dir: TerraformDir, type: string, name: string): Body {
  const body = dir.ephemeral.get(type)?.get(name);
  if (!body) throw new Error(`${dir.name}: no ephemeral resource ${type}.${name}`);
  return body;
}

export function dataSource(dir: TerraformDir, type: string, name: string): Body {
  const body = dir.data.get(type)?.get(name);
  if (!body) throw new Error(`${dir.name}: no data source ${type}.${name}`);
  return body;
}

export function moduleCall(dir: TerraformDir, name: string): Body {
  const body = dir.modules.get(name);
  if (!body) throw new Error(`${dir.name}: no module ${name}`);
  return body;
}

/** Every resource (or data source) of a type, in every folder. */
export async function allOfType(
  type: string,
  kind: 'resource' | 'data' = 'resource',
): Promise<{ dir: TerraformDir; name: string; body: Body }[]> {
  const found: { dir: TerraformDir; name: string; body: Body }[] = [];
  for (const dir of (await loadTerraform()).values()) {
    for (const [name, body] of (kind === 'resource' ? dir.resources : dir.data).get(type) ?? []) {
      found.push({ dir, name, body });
    }
  }
  return found;
}

/** The folder a module call's `source` points at. */
export async function moduleSource(dir: TerraformDir, call: Body): Promise<TerraformDir | undefined> {
  const source = call.source;
  if (typeof source !== 'string' || !source.startsWith('.')) return undefined;
  return (await loadTerraform()).get(relative(TERRAFORM_ROOT, resolve(dir.path, source)));
}

/** The references (var.x, module.y.z, aws_t.n.attr, ...) an expression string makes. */
export async function referencesIn(expression: string): Promise<string[]> {
  if (!isExpression(expression)) return [];
  return (await getReferencesInExpression('expression.tf', expression)).map((reference) => reference.value);
}

/** Expression statements of an IAM policy document: plain and dynamic `statement` blocks. */
export function policyStatements(document: Body): Body[] {
  const dynamic = isBody(document.dynamic) ? blocksOf(document.dynamic, 'statement') : [];
  return [...blocksOf(document, 'statement'), ...dynamic.flatMap((block) => blocksOf(block, 'content'))];
}

/** Strings in a literal list attribute (expressions included as written). */
export function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [String(value)];
  return value.map(String);
}

/** `${inner}` as hcl2json renders an expression attribute (spelt out so it never reads as a JS template). */
export function expr(inner: string): string {
  return `$\{${inner}}`;
}
