import { describe, expect, it } from 'vitest';
import {
  allOfType,
  type Body,
  blocksOf,
  dataSource,
  expr,
  moduleCall,
  policyStatements,
  resource,
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
  'environments/example:ListTableStreams':
    'dynamodb:ListStreams supports no resource-level permissions (AWS grants it on * in AWSLambdaDynamoDBExecutionRole, as the CDK does); it returns stream ARNs only. Reading records (GetRecords, GetShardIterator, DescribeStream) is limited to the table stream in ReadTableStream.',
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
  aws_sqs_queue_policy: ['policy'],
  aws_vpc_endpoint: ['policy'],
};

/** DynamoDB actions that read or change items (the data plane of the table itself, not its stream). */
const ITEM_READS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PartiQLSelect',
];
const ITEM_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];
const STREAM_READS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

/** Every action of a function's policy document, wildcards spelt as written. */
function actionsOf(document: Body): string[] {
  return policyStatements(document).flatMap((statement) => stringList(statement.actions));
}

/** The statements of a policy document by sid. */
function statementsBySid(document: Body): Record<string, Body> {
  return Object.fromEntries(policyStatements(document).map((s) => [String(s.sid), s] as const));
}

/** The Redis token statements every function has, alike. */
function expectRedisAuthentication(statements: Record<string, Body>): void {
  expect(statements.ReadRedisAuthToken).toMatchObject({
    actions: ['secretsmanager:GetSecretValue'],
    resources: [expr('module.cache.auth_secret_arn')],
  });
  expect(statements.DecryptRedisAuthToken).toMatchObject({
    actions: ['kms:Decrypt'],
    resources: [expr('aws_kms_key.this.arn')],
  });
  expect(blocksOf(statements.DecryptRedisAuthToken as Body, 'condition')).toEqual([
    {
      test: 'StringEquals',
      variable: 'kms:ViaService',
      values: [`secretsmanager.${expr('var.aws_region')}.amazonaws.com`],
    },
  ]);
}

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

  it('gives the read API only GetItem/BatchGetItem (and DescribeTable, for /health) on the table and what Redis authentication needs', async () => {
    const env = await terraformDir('environments/example');
    const document = dataSource(env, 'aws_iam_policy_document', 'api_function');
    const statements = Object.fromEntries(policyStatements(document).map((s) => [String(s.sid), s] as const));
    expect(Object.keys(statements).sort()).toEqual([
      'DecryptRedisAuthToken',
      'DescribeProductsTable',
      'ReadProducts',
      'ReadProductsThroughDax',
      'ReadRedisAuthToken',
    ]);
    expect(statements.ReadProducts).toMatchObject({
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      resources: [expr('module.table.arn')],
    });
    // GET /health's DynamoDB check: a control-plane read of this table only, no item.
    expect(statements.DescribeProductsTable).toMatchObject({
      actions: ['dynamodb:DescribeTable'],
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

  it('gives the writer GetItem and PutItem on the table only (a DELETE puts a tombstone), and what Redis authentication needs', async () => {
    const env = await terraformDir('environments/example');
    const document = dataSource(env, 'aws_iam_policy_document', 'writer_function');
    const statements = statementsBySid(document);
    expect(Object.keys(statements).sort()).toEqual([
      'DecryptRedisAuthToken',
      'ReadRedisAuthToken',
      'WriteProducts',
    ]);
    expect(statements.WriteProducts).toMatchObject({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: [expr('module.table.arn')],
    });
    expectRedisAuthentication(statements);
    expect(document.dynamic, 'no DAX access').toBeUndefined();
    expect(moduleCall(env, 'writer_function').policy_json).toBe(
      expr('data.aws_iam_policy_document.writer_function.json'),
    );
  });

  it('gives the stream function its stream, its failure queue (and key through SQS) and Redis, no item access', async () => {
    const env = await terraformDir('environments/example');
    const document = dataSource(env, 'aws_iam_policy_document', 'stream_function');
    const statements = statementsBySid(document);
    expect(Object.keys(statements).sort()).toEqual([
      'DecryptRedisAuthToken',
      'EncryptFailedBatchRecords',
      'ListTableStreams',
      'ReadRedisAuthToken',
      'ReadTableStream',
      'SendFailedBatchRecords',
    ]);
    expect(statements.ReadTableStream).toMatchObject({
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      resources: [expr('module.table.stream_arn')],
    });
    expect(statements.ListTableStreams).toMatchObject({
      actions: ['dynamodb:ListStreams'],
      resources: ['*'],
    });
    expect(statements.SendFailedBatchRecords).toMatchObject({
      actions: ['sqs:SendMessage'],
      resources: [expr('module.stream.failure_queue_arn')],
    });
    // SendMessage to a KMS-encrypted queue: SQS generates and decrypts data keys as the sender.
    expect(statements.EncryptFailedBatchRecords).toMatchObject({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [expr('aws_kms_key.this.arn')],
    });
    expect(blocksOf(statements.EncryptFailedBatchRecords as Body, 'condition')).toEqual([
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`sqs.${expr('var.aws_region')}.amazonaws.com`],
      },
    ]);
    expectRedisAuthentication(statements);
    expect(document.dynamic, 'no DAX access').toBeUndefined();
    // The queue it sends to is the mapping's on-failure destination.
    const stream = await terraformDir('modules/stream');
    expect(stream.outputs.get('failure_queue_arn')?.value).toBe(expr('aws_sqs_queue.failures.arn'));
  });

  it('separates the roles: the reader cannot write, the writer cannot touch the stream, the stream function cannot touch items', async () => {
    const env = await terraformDir('environments/example');
    const actions = (name: string) => actionsOf(dataSource(env, 'aws_iam_policy_document', name));
    const reader = actions('api_function');
    const writer = actions('writer_function');
    const stream = actions('stream_function');
    for (const [name, granted] of [
      ['api_function', reader],
      ['writer_function', writer],
      ['stream_function', stream],
    ] as const) {
      expect(
        granted.filter((action) => action.includes('*')),
        `${name}: no action wildcards`,
      ).toEqual([]);
      // Only the writer may create, replace or delete items; only the stream function reads the stream.
      const writes = granted.filter((action) => ITEM_WRITES.includes(action));
      expect(writes, name).toEqual(name === 'writer_function' ? ['dynamodb:PutItem'] : []);
      const streamReads = granted.filter((action) => STREAM_READS.includes(action));
      expect(streamReads.sort(), name).toEqual(name === 'stream_function' ? [...STREAM_READS].sort() : []);
      const sends = granted.filter((action) => action.startsWith('sqs:'));
      expect(sends, name).toEqual(name === 'stream_function' ? ['sqs:SendMessage'] : []);
    }
    expect(reader.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DescribeTable',
      'dynamodb:GetItem',
    ]);
    expect(stream.filter((action) => ITEM_READS.includes(action))).toEqual([]);
    expect(writer.filter((action) => ITEM_READS.includes(action))).toEqual(['dynamodb:GetItem']);
    // No function policy names the table's stream except the stream function's.
    for (const name of ['api_function', 'writer_function']) {
      const text = JSON.stringify(dataSource(env, 'aws_iam_policy_document', name));
      expect(text, name).not.toContain('stream_arn');
      expect(text, name).not.toContain('module.stream.');
    }
  });

  it('lets the failure queue be reached over TLS only, granting nothing by resource policy', async () => {
    const stream = await terraformDir('modules/stream');
    expect(resource(stream, 'aws_sqs_queue_policy', 'failures')).toMatchObject({
      queue_url: expr('aws_sqs_queue.failures.id'),
      policy: expr('data.aws_iam_policy_document.failures.json'),
    });
    const statements = policyStatements(dataSource(stream, 'aws_iam_policy_document', 'failures'));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({
      effect: 'Deny',
      actions: ['sqs:*'],
      resources: [expr('aws_sqs_queue.failures.arn')],
    });
    expect(blocksOf(statements[0] as Body, 'condition')).toEqual([
      { test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] },
    ]);
  });
});
