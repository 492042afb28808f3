import { describe, expect, it } from 'vitest';
import {
  allOfType,
  type Body,
  blocksOf,
  dataSource,
  expr,
  moduleCall,
  policyStatements,
  stringList,
  terraformDir,
} from './support/load-terraform.js';

/**
 * Every Allow statement that uses a wildcard, keyed by folder and sid, with the reason it cannot be
 * narrower. A new wildcard fails the test until it is listed here with its reason.
 */
const ALLOWED_WILDCARDS: Record<string, string> = {
  'modules/function:XRayTracing':
    'xray:PutTraceSegments and PutTelemetryRecords support no resource-level permissions.',
  'modules/function:VpcNetworkInterfaces':
    'Lambda creates and deletes the ENIs of a VPC function before they exist; the EC2 actions it needs are granted on * (as in AWSLambdaVPCAccessExecutionRole).',
  'modules/api:ApiGatewayWritesLogs':
    "API Gateway's logging role is one per account and region and serves every REST API there, so it writes to the region's log groups (log-group:*), not only this API's.",
  'modules/pipeline:RefreshStackResources':
    'terraform plan refreshes the stack: most Describe/List/Get actions of these services support no resource-level permissions (ec2:Describe* and elasticache:Describe* stand for the many describe calls refresh makes). Control-plane reads only (no GetObject, GetItem, GetLogEvents), limited to the stack region by aws:RequestedRegion.',
  'modules/pipeline:RefreshStackRoles':
    "terraform plan reads the stack's roles and their policies; the role names come from other modules, so it reads any role or customer policy of this account (IAM reads only).",
  'modules/pipeline:RefreshArtifactsBucket':
    'terraform plan refreshes the artifacts bucket: s3:GetBucket* stands for its ~15 configuration reads (policy, ACL, versioning, encryption, lifecycle, ...), on that one bucket only.',
  'environments/example:AccountManagesKeyThroughIam':
    'Key policy default statement: in a key policy * is this key, and kms:* for the account root delegates key access to IAM policies (without it the key is unmanageable).',
  'environments/example:CloudWatchLogsEncryptsLogGroups':
    "Key policy: * is this key; the statement is limited by the logs service principal and the account's log-group encryption context.",
  'environments/example:CloudWatchAlarmsPublishToEncryptedTopic':
    'Key policy: * is this key; limited to the CloudWatch service principal acting for this account.',
};

/**
 * Trust policies without an aws:SourceAccount condition, keyed by folder and policy document, with the
 * reason. Every other trust policy must carry one.
 */
const TRUST_WITHOUT_SOURCE_ACCOUNT: Record<string, string> = {
  'modules/api:assume_cloudwatch':
    "AWS documents no aws:SourceAccount for API Gateway's CloudWatch Logs role (its examples trust the bare principal); a condition the service does not send would silently stop the access logs.",
  'modules/dax:assume':
    'AWS documents no aws:SourceAccount for the DAX service role (its examples trust the bare principal); a condition DAX does not send would make cluster creation fail.',
};

/** Managed policies attached by ARN, with the reason. */
const ALLOWED_MANAGED_POLICIES: Record<string, string> = {
  [expr('each.value')]:
    'The apply role gets the deployment policy the team passes in (apply_role_policy_arns): it creates IAM roles, so it is as strong as the stack. The plan role may get extra read policies the team passes in (plan_role_policy_arns, none by default).',
};

const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_role: ['assume_role_policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_policy: ['policy'],
  aws_kms_key: ['policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_sns_topic_policy: ['policy'],
};

/**
 * An action or resource with a `*` outside its interpolations. `${x}:*` (the streams of one log group) and
 * `${x}/*` (the objects of one bucket) name one resource's parts, not a wildcard. Whole expressions
 * (var.x lists) are validated in their module.
 */
function hasWildcard(values: string[]): boolean {
  return values.some((value) => {
    const literal = value.replace(/\$\{[^}]*\}/g, '\u0000');
    if (literal === '\u0000:*' || literal === '\u0000/*') return false;
    return literal.includes('*');
  });
}

describe('IAM: explicit actions on specific resources', async () => {
  const documents = await allOfType('aws_iam_policy_document', 'data');

  it('writes every policy as an aws_iam_policy_document (no inline JSON to escape the checks)', async () => {
    const offenders: string[] = [];
    for (const [type, attributes] of Object.entries(POLICY_ATTRIBUTES)) {
      for (const { dir, name, body } of await allOfType(type)) {
        for (const attribute of attributes) {
          const value = body[attribute];
          if (value === undefined) continue;
          const fromDocument =
            typeof value === 'string' &&
            /^\$\{data\.aws_iam_policy_document\.\w+(\[[^\]]+\])?\.json\}$/.test(value);
          const fromVariable = value === expr('var.policy_json');
          if (!fromDocument && !fromVariable) offenders.push(`${dir.name} ${type}.${name}.${attribute}`);
        }
        if (body.inline_policy !== undefined || body.managed_policy_arns !== undefined) {
          offenders.push(`${dir.name} ${type}.${name} (inline_policy/managed_policy_arns)`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('passes the function module a policy document, never raw JSON', async () => {
    const env = await terraformDir('environments/example');
    for (const [name, call] of env.modules) {
      if (call.policy_json !== undefined) {
        expect(call.policy_json, name).toMatch(/^\$\{data\.aws_iam_policy_document\.\w+\.json\}$/);
      }
    }
  });

  it('names explicit actions and resources in every Allow statement, wildcards only where listed', () => {
    const unexplained: string[] = [];
    const used = new Set<string>();
    for (const { dir, name, body } of documents) {
      for (const statement of policyStatements(body)) {
        expect(statement.not_actions ?? statement.not_resources, `${dir.name} ${name}`).toBeUndefined();
        if (statement.effect === 'Deny') continue;
        const actions = stringList(statement.actions);
        const resources = stringList(statement.resources);
        expect(actions.length + resources.length, `${dir.name} ${name} has actions`).toBeGreaterThan(0);
        const isAssumeRole =
          actions.length === 1 && actions[0] === 'sts:AssumeRole' && resources.length === 0;
        if (isAssumeRole) continue;
        expect(resources.length, `${dir.name} ${name}: statement without resources`).toBeGreaterThan(0);
        if (hasWildcard(actions) || hasWildcard(resources)) {
          const key = `${dir.name}:${String(statement.sid)}`;
          if (ALLOWED_WILDCARDS[key]) used.add(key);
          else unexplained.push(`${key} actions=${actions.join(',')} resources=${resources.join(',')}`);
        }
      }
    }
    expect(unexplained).toEqual([]);
    expect([...used].sort(), 'every listed wildcard is still needed').toEqual(
      Object.keys(ALLOWED_WILDCARDS).sort(),
    );
  });

  it('lets only AWS services assume roles, for this account only where the service sends its account', async () => {
    const unconditioned = new Set<string>();
    for (const { dir, name, body } of documents) {
      for (const statement of policyStatements(body)) {
        if (!stringList(statement.actions).includes('sts:AssumeRole')) continue;
        const [principal] = blocksOf(statement, 'principals');
        expect(principal?.type, `${dir.name} ${name}`).toBe('Service');
        const key = `${dir.name}:${name}`;
        const conditions = blocksOf(statement, 'condition');
        if (TRUST_WITHOUT_SOURCE_ACCOUNT[key]) {
          unconditioned.add(key);
          expect(conditions, `${key} is listed as unconditioned`).toEqual([]);
        } else {
          expect(conditions, key).toContainEqual(expect.objectContaining({ variable: 'aws:SourceAccount' }));
        }
      }
    }
    expect([...unconditioned].sort(), 'every listed exception is still a trust policy').toEqual(
      Object.keys(TRUST_WITHOUT_SOURCE_ACCOUNT).sort(),
    );
  });

  it('attaches managed policies only where listed', async () => {
    const attachments = await allOfType('aws_iam_role_policy_attachment');
    const unexplained = attachments
      .map(({ dir, name, body }) => ({ where: `${dir.name} ${name}`, arn: String(body.policy_arn) }))
      .filter(({ arn }) => !ALLOWED_MANAGED_POLICIES[arn]);
    expect(unexplained).toEqual([]);
  });

  it('gives the read API only GetItem/BatchGetItem on the table and what Redis authentication needs', async () => {
    const env = await terraformDir('environments/example');
    const document = dataSource(env, 'aws_iam_policy_document', 'api_function');
    const statements = Object.fromEntries(policyStatements(document).map((s) => [String(s.sid), s] as const));
    expect(Object.keys(statements).sort()).toEqual([
      'DecryptRedisAuthToken',
      'ReadProducts',
      'ReadProductsThroughDax',
      'ReadRedisAuthToken',
    ]);
    expect(statements.ReadProducts).toMatchObject({
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      resources: [expr('module.table.arn')],
    });
    expect(statements.ReadRedisAuthToken).toMatchObject({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [expr('module.cache.auth_secret_arn')],
    });
    expect(statements.DecryptRedisAuthToken).toMatchObject({
      actions: ['kms:Decrypt'],
      resources: [expr('aws_kms_key.this.arn')],
    });
    expect(statements.ReadProductsThroughDax).toMatchObject({
      actions: ['dax:GetItem', 'dax:BatchGetItem'],
      resources: [expr('statement.value')],
    });
    const [daxGenerator] = blocksOf(document.dynamic as Body, 'statement');
    expect(daxGenerator?.for_each).toBe(expr('var.dax_enabled ? [module.dax[0].cluster_arn] : []'));
    expect(moduleCall(env, 'api_function').policy_json).toBe(
      expr('data.aws_iam_policy_document.api_function.json'),
    );
  });
});
