import { describe, expect, it } from 'vitest';
import { METRIC } from '../../src/observability/metric-names.js';
import {
  type Body,
  ephemeralResource,
  expr,
  moduleCall,
  resource,
  terraformDir,
} from './support/load-terraform.js';

/** The text inside `${…}`, as hcl2json renders an expression. */
function expressionText(value: unknown): string {
  const text = String(value);
  expect(text.startsWith('${') && text.endsWith('}'), text).toBe(true);
  return text.slice(2, -1);
}

/** Evaluates one of the cache module's arithmetic locals for a given auth_token_version. */
function evaluate(value: unknown, version: number): unknown {
  const js = expressionText(value)
    .replaceAll('var.auth_token_version', String(version))
    .replaceAll('floor(', 'Math.floor(');
  expect(js).toMatch(/^[\d\s+\-*/%()=?:"ab.Mathflor]+$/);
  return new Function(`return (${js});`)();
}

/**
 * Evaluates a validation condition over both versions. Conditions here use only comparisons, arithmetic,
 * && and floor(), which mean the same in JavaScript; anything else is refused, not guessed.
 */
function evaluateVersions(condition: unknown, version: number, settled: number): boolean {
  const js = expressionText(condition)
    .replaceAll('var.auth_token_settled_version', String(settled))
    .replaceAll('var.auth_token_version', String(version))
    .replaceAll('floor(', 'Math.floor(');
  expect(js).toMatch(/^(?:Math\.floor|[\d.\s<>=!&|()+-])+$/);
  return Boolean(new Function(`return (${js});`)());
}

describe('Redis token rotation in Terraform', async () => {
  const cache = await terraformDir('modules/cache');
  const users = resource(cache, 'aws_elasticache_user', 'app');

  it("writes the secret, then reads the written version back as the only source of the active user's password", () => {
    const written = resource(cache, 'aws_secretsmanager_secret_version', 'auth');
    expect(String(written.secret_string_wo)).toContain('username = local.app_user_names[local.active_user]');
    const readBack = ephemeralResource(cache, 'aws_secretsmanager_secret_version', 'auth');
    expect(readBack).toEqual({
      secret_id: expr('aws_secretsmanager_secret.auth.id'),
      // The exact version written (unknown until apply when it changes, so the read waits for the write).
      version_id: expr('aws_secretsmanager_secret_version.auth.version_id'),
    });
    expect(cache.locals.get('written_token')).toBe(
      expr('jsondecode(ephemeral.aws_secretsmanager_secret_version.auth.secret_string).token'),
    );
    expect(users.passwords_wo).toBe(
      expr('each.key == local.active_user ? local.written_token : ephemeral.random_password.unusable.result'),
    );
    // Create sends the write-only value whatever its version: a replaced active user gets the secret's
    // token again, never a token of its own.
    expect(users.for_each).toBe(expr('local.app_user_names'));
    expect(users.passwords_wo_version).toBe(expr('local.app_user_generation[each.key]'));
  });

  it('alternates the two users, sending a password exactly when a user becomes active', () => {
    const generation = cache.locals.get('app_user_generation') as Record<string, unknown>;
    let previous = { a: 0, b: 0 };
    for (let version = 1; version <= 8; version++) {
      const active = evaluate(cache.locals.get('active_user'), version) as 'a' | 'b';
      expect(active).toBe(version % 2 === 1 ? 'a' : 'b');
      const now = {
        a: evaluate(generation.a, version) as number,
        b: evaluate(generation.b, version) as number,
      };
      const inactive = active === 'a' ? 'b' : 'a';
      if (version === 1) {
        expect(now).toEqual({ a: 1, b: 1 });
      } else {
        expect(now[active], `version ${version}`).toBe(previous[active] + 1);
        expect(now[inactive], `version ${version}`).toBe(previous[inactive]);
      }
      previous = now;
    }
  });

  it('keeps the previous user valid until the rotation is settled, then switches it off', () => {
    expect(cache.locals.get('previous_user_enabled')).toBe(
      expr('var.auth_token_settled_version < var.auth_token_version'),
    );
    expect(users.access_string).toBe(
      expr(
        'each.key == local.active_user || local.previous_user_enabled ? local.access_string : local.disabled_access_string',
      ),
    );
    expect(cache.locals.get('disabled_access_string')).toBe(
      expr(`join(" ", concat(["off", "~\${var.key_prefix}:*", "-@all"], var.allowed_commands))`),
    );
    const settled = cache.variables.get('auth_token_settled_version');
    expect(settled?.default).toBe(1);
    expect(JSON.stringify(settled)).toContain('var.auth_token_settled_version <= var.auth_token_version');
    // Nobody logs in without naming a user.
    expect(resource(cache, 'aws_elasticache_user', 'default')).toMatchObject({
      user_name: 'default',
      access_string: 'off -@all',
    });
  });

  it('gives the users nobody logs in as a password of their own, never the token written to the secret', () => {
    const unusable = ephemeralResource(cache, 'random_password', 'unusable');
    expect(unusable.length).toBeGreaterThanOrEqual(32);
    expect(resource(cache, 'aws_elasticache_user', 'default').passwords_wo).toBe(
      expr('ephemeral.random_password.unusable.result'),
    );
    // The token generator feeds the secret only; the active user reads its token back from there.
    const uses = cache.blocks
      .filter((block) => JSON.stringify(block.body).includes('ephemeral.random_password.auth.result'))
      .map((block) => block.label);
    expect(uses).toEqual(['aws_secretsmanager_secret_version.auth']);
  });

  it('refuses a version more than one ahead of the settled one, or behind it', () => {
    const rules = (cache.variables.get('auth_token_settled_version')?.validation ?? []) as Body[];
    const accepts = (version: number, settled: number) =>
      rules.every((rule) => evaluateVersions(rule.condition, version, settled));
    for (const [version, settled] of [
      [1, 1],
      [2, 1],
      [2, 2],
      [7, 6],
    ]) {
      expect(accepts(version as number, settled as number), `${version}, settled ${settled}`).toBe(true);
    }
    for (const [version, settled] of [
      [3, 1],
      [5, 2],
      [1, 2],
      [2, 0],
      [2, 1.5],
    ]) {
      expect(accepts(version as number, settled as number), `${version}, settled ${settled}`).toBe(false);
    }
  });

  it('lets the example environment drive both versions', async () => {
    const env = await terraformDir('environments/example');
    expect(moduleCall(env, 'cache')).toMatchObject({
      auth_token_version: expr('var.cache_auth_token_version'),
      auth_token_settled_version: expr('var.cache_auth_token_settled_version'),
    });
    expect(env.variables.get('cache_auth_token_settled_version')?.default).toBe(1);
  });

  it("alarms when Redis keeps refusing the functions' credentials", async () => {
    const observability = await terraformDir('modules/observability');
    const alarms = String(observability.locals.get('alarms'));
    const at = alarms.indexOf('"redis-auth-failures" = {');
    expect(at).toBeGreaterThan(0);
    const body = alarms.slice(at, alarms.indexOf('\n      }', at));
    expect(body).toContain(
      `namespace   = var.metrics_namespace, metric = "${METRIC.redisAuthFailures}", dimensions = tomap({ service = var.service_name })`,
    );
    expect(body).toContain(
      'statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0',
    );
  });
});
