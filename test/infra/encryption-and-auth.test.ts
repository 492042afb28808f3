import { describe, expect, it } from 'vitest';
import {
  allOfType,
  type Body,
  blocksOf,
  ephemeralResource,
  expr,
  isBody,
  isExpression,
  loadTerraform,
  only,
  resource,
  terraformDir,
} from './support/load-terraform.js';

const SECRET_ATTRIBUTE = /(password|passwords|auth_token|secret_string|token)(_wo)?$/i;

/** Every literal (non-expression) value sitting under a secret-looking attribute name. */
function literalSecrets(value: unknown, path: string, found: string[]): void {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) literalSecrets(item, `${path}[${index}]`, found);
  } else if (isBody(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${path}.${key}`;
      const values = Array.isArray(child) ? child : [child];
      if (
        SECRET_ATTRIBUTE.test(key) &&
        values.some((item) => typeof item === 'string' && !isExpression(item))
      ) {
        found.push(childPath);
      }
      literalSecrets(child, childPath, found);
    }
  }
}

describe('encryption, TLS and authentication', async () => {
  const cache = await terraformDir('modules/cache');
  const replicationGroup = resource(cache, 'aws_elasticache_replication_group', 'this');
  const serverless = resource(cache, 'aws_elasticache_serverless_cache', 'this');

  it('keeps no secret as a literal anywhere', async () => {
    const found: string[] = [];
    for (const type of ['resource', 'data'] as const) {
      for (const dir of (await loadTerraform()).values()) {
        for (const [resourceType, byName] of type === 'resource' ? dir.resources : dir.data) {
          for (const [name, body] of byName)
            literalSecrets(body, `${dir.name} ${resourceType}.${name}`, found);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('generates the Redis token ephemerally and writes it only through write-only arguments (never in plan or state)', () => {
    const generator = ephemeralResource(cache, 'random_password', 'auth');
    expect(generator.length).toBeGreaterThanOrEqual(32);
    expect(cache.resources.get('random_password')).toBeUndefined();
    expect(resource(cache, 'aws_secretsmanager_secret', 'auth').kms_key_id).toBe(expr('var.kms_key_arn'));
    const version = resource(cache, 'aws_secretsmanager_secret_version', 'auth');
    expect(version.secret_string).toBeUndefined();
    expect(String(version.secret_string_wo)).toContain('token    = ephemeral.random_password.auth.result');
    expect(version.secret_string_wo_version).toBe(expr('var.auth_token_version'));
    // The users' passwords come from write-only arguments only (test/infra/redis-token-rotation.test.ts
    // checks where each value comes from).
    for (const name of ['app', 'default']) {
      const user = resource(cache, 'aws_elasticache_user', name);
      expect(user.no_password_required, name).toBeUndefined();
      expect(user.passwords, name).toBeUndefined();
      expect(user.authentication_mode, name).toBeUndefined();
      expect(String(user.passwords_wo), name).toMatch(/ephemeral\.random_password\.unusable\.result/);
    }
    expect(resource(cache, 'aws_elasticache_user_group', 'this').user_ids).toBe(
      expr(
        'concat([aws_elasticache_user.default.user_id], [for user in aws_elasticache_user.app : user.user_id])',
      ),
    );
  });

  it('requires the Terraform and provider versions that have write-only arguments and the ephemeral password', async () => {
    for (const name of ['modules/cache', 'environments/example']) {
      const dir = await terraformDir(name);
      const [terraform] = dir.blocks.filter((block) => block.kind === 'terraform');
      const settings = only(terraform?.body);
      expect(settings.required_version, name).toBe('>= 1.11');
      const providers = only(settings.required_providers);
      const version = (provider: string) => String((providers[provider] as Body).version);
      if (name === 'modules/cache') {
        expect(version('aws')).toBe('>= 6.62');
        expect(version('random')).toBe('>= 3.7');
      } else {
        expect(version('aws')).toMatch(/^6\.(6[2-9]|[7-9]\d)\.\d+$/);
        expect(version('random')).toMatch(/^3\.(7|[89])\.\d+$/);
      }
    }
  });

  it('makes the replication group Multi-AZ with failover, TLS required, encrypted and authenticated', () => {
    expect(replicationGroup).toMatchObject({
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      transit_encryption_enabled: true,
      transit_encryption_mode: 'required',
      at_rest_encryption_enabled: true,
      kms_key_id: expr('var.kms_key_arn'),
      user_group_ids: [expr('aws_elasticache_user_group.this.user_group_id')],
      num_cache_clusters: expr('var.num_cache_clusters'),
      engine_version: expr('local.engine_version'),
    });
    expect(JSON.stringify(cache.variables.get('num_cache_clusters')?.validation)).toContain(
      'var.num_cache_clusters >= 2',
    );
  });

  it('pins a 7.x engine version that exists for the engine: 7.2 for Valkey, at most 7.1 for Redis OSS', async () => {
    expect(cache.variables.get('engine_version')?.default).toBeNull();
    expect(cache.locals.get('engine_version')).toBe(
      expr('coalesce(var.engine_version, var.engine == "valkey" ? "7.2" : "7.1")'),
    );
    const [rule] = (cache.variables.get('engine_version')?.validation ?? []) as Body[];
    expect(rule?.condition).toBe(
      expr(
        'var.engine_version == null || contains(var.engine == "valkey" ? ["7.2"] : ["7.0", "7.1"], coalesce(var.engine_version, "unset"))',
      ),
    );
    const env = await terraformDir('environments/example');
    expect(env.variables.get('cache_engine_version')?.default).toBeNull();
  });

  it('sets an explicit maxmemory-policy and delivers the slow log', () => {
    const parameters = blocksOf(resource(cache, 'aws_elasticache_parameter_group', 'this'), 'parameter');
    expect(parameters).toContainEqual({ name: 'maxmemory-policy', value: expr('var.maxmemory_policy') });
    expect(replicationGroup.parameter_group_name).toBe(expr('aws_elasticache_parameter_group.this[0].name'));
    expect(blocksOf(replicationGroup, 'log_delivery_configuration')).toContainEqual(
      expect.objectContaining({ log_type: 'slow-log', destination_type: 'cloudwatch-logs' }),
    );
  });

  it('encrypts and authenticates the Serverless option the same way', () => {
    expect(serverless.kms_key_id).toBe(expr('var.kms_key_arn'));
    expect(serverless.user_group_id).toBe(expr('aws_elasticache_user_group.this.user_group_id'));
    expect(serverless.major_engine_version).toBe('7');
  });

  it('hands the functions a TLS URL and the secret ARN, never the token', async () => {
    const outputs = cache.outputs;
    expect(outputs.get('redis_url')?.value).toMatch(/^rediss:\/\//);
    expect(outputs.get('auth_secret_arn')?.value).toBe(expr('aws_secretsmanager_secret.auth.arn'));
    const leaks = [...outputs].filter(([, body]) => JSON.stringify(body.value).includes('random_password'));
    expect(leaks).toEqual([]);
  });

  it('protects the Products table: on-demand, PITR, SSE, stream, deletion protection', async () => {
    const table = resource(await terraformDir('modules/table'), 'aws_dynamodb_table', 'this');
    expect(table).toMatchObject({
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'productId',
      attribute: [{ name: 'productId', type: 'S' }],
      point_in_time_recovery: [{ enabled: true }],
      stream_enabled: true,
      stream_view_type: 'NEW_AND_OLD_IMAGES',
      deletion_protection_enabled: expr('var.deletion_protection'),
    });
    expect(only(table.server_side_encryption).enabled).toBe(true);
  });

  it('encrypts every SQS queue with the key', async () => {
    const queues = await allOfType('aws_sqs_queue');
    expect(queues.length).toBeGreaterThanOrEqual(1);
    for (const { dir, name, body } of queues) {
      expect(body.kms_master_key_id, `${dir.name} ${name}`).toBe(expr('var.kms_key_arn'));
    }
  });

  it('encrypts DAX at rest and in transit', async () => {
    const dax = resource(await terraformDir('modules/dax'), 'aws_dax_cluster', 'this');
    expect(dax.cluster_endpoint_encryption_type).toBe('TLS');
    expect(only(dax.server_side_encryption).enabled).toBe(true);
  });

  it('encrypts every log group with the key and bounds its retention', async () => {
    const groups = await allOfType('aws_cloudwatch_log_group');
    expect(groups.length).toBeGreaterThanOrEqual(4);
    for (const { dir, name, body } of groups) {
      expect(body.kms_key_id, `${dir.name} ${name}`).toBe(expr('var.kms_key_arn'));
      expect(body.retention_in_days, `${dir.name} ${name}`).toBeDefined();
    }
  });

  it('encrypts the alarm topic, the pipeline artifacts and rotates the key', async () => {
    const [topic] = await allOfType('aws_sns_topic');
    expect(topic?.body.kms_master_key_id).toBe(expr('var.kms_key_arn'));
    const pipeline = await terraformDir('modules/pipeline');
    const sse = only(
      only(resource(pipeline, 'aws_s3_bucket_server_side_encryption_configuration', 'artifacts').rule)
        .apply_server_side_encryption_by_default,
    );
    expect(sse).toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: expr('var.kms_key_arn') });
    expect(resource(pipeline, 'aws_s3_bucket_public_access_block', 'artifacts')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(
      only(resource(pipeline, 'aws_s3_bucket_versioning', 'artifacts').versioning_configuration).status,
    ).toBe('Enabled');
    const codebuild = resource(pipeline, 'aws_codebuild_project', 'this');
    expect(codebuild.encryption_key).toBe(expr('var.kms_key_arn'));
    const env = await terraformDir('environments/example');
    expect(resource(env, 'aws_kms_key', 'this').enable_key_rotation).toBe(true);
  });

  it('requires TLS to the artifacts bucket', async () => {
    const pipeline = await terraformDir('modules/pipeline');
    const document = pipeline.data.get('aws_iam_policy_document')?.get('artifacts_bucket') as Body;
    const [deny] = blocksOf(document, 'statement');
    expect(deny).toMatchObject({ effect: 'Deny', actions: ['s3:*'] });
    expect(blocksOf(deny as Body, 'condition')).toEqual([
      { test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] },
    ]);
  });
});
