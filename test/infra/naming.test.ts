import { describe, expect, it } from 'vitest';
import { type Body, terraformDir } from './support/load-terraform.js';

/** Folders whose `name` becomes (part of) an ElastiCache, DAX, VPC, API, queue or pipeline identifier. */
const NAMED = [
  'environments/example',
  'modules/api',
  'modules/cache',
  'modules/dax',
  'modules/network',
  'modules/pipeline',
  'modules/stream',
];

/** ElastiCache and DAX reject these: a trailing dash, two dashes in a row, a leading digit or capital. */
const REJECTED = ['aside-', 'as--ide', 'aside--', '1aside', 'Aside', 'as_ide', '-aside'];
const ACCEPTED = ['aside', 'aside-prod', 'a1-b2-c3'];

interface NameRule {
  readonly pattern: RegExp;
  readonly min: number;
  readonly max: number;
}

/** The regex and the length bounds of a `name` validation, read from its condition expression. */
function nameRule(condition: string): NameRule {
  const regex = /regex\("((?:[^"\\]|\\.)*)", var\.name\)/.exec(condition)?.[1];
  const min = /length\(var\.name\) >= (\d+)/.exec(condition)?.[1];
  const max = /length\(var\.name\) <= (\d+)/.exec(condition)?.[1];
  if (regex === undefined || min === undefined || max === undefined) {
    throw new Error(`no regex and length bounds in ${condition}`);
  }
  // HCL string escapes: \\ is one backslash. The pattern uses no RE2-only syntax.
  return { pattern: new RegExp(regex.replace(/\\\\/g, '\\')), min: Number(min), max: Number(max) };
}

const accepts = (rule: NameRule, name: string) =>
  rule.pattern.test(name) && name.length >= rule.min && name.length <= rule.max;

describe('resource names', () => {
  it.each(NAMED)(
    '%s: name rejects a trailing dash, double dashes and bad first characters',
    async (folder) => {
      const dir = await terraformDir(folder);
      const rules = (dir.variables.get('name')?.validation ?? []) as Body[];
      expect(rules).toHaveLength(1);
      const rule = nameRule(String(rules[0]?.condition));
      expect(rule.pattern.source).toBe('^[a-z][a-z0-9]*(-[a-z0-9]+)*$');
      for (const name of REJECTED) expect(accepts(rule, name), name).toBe(false);
      for (const name of ACCEPTED) expect(accepts(rule, name), name).toBe(true);
      expect(accepts(rule, 'a'.repeat(rule.max + 1)), 'too long').toBe(false);
      expect(rule.max).toBeLessThanOrEqual(41);
    },
  );

  it('keeps the example name short enough for every identifier it prefixes', async () => {
    const env = await terraformDir('environments/example');
    const rule = nameRule(String(((env.variables.get('name')?.validation ?? []) as Body[])[0]?.condition));
    // The DAX cluster takes the name itself (at most 20); "<name>-deploy" must fit the pipeline's 31.
    expect(rule.max + '-deploy'.length).toBeLessThanOrEqual(31);
    expect(rule.max).toBeLessThanOrEqual(20);
  });
});
