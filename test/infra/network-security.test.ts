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

const OPEN_TO_THE_WORLD = ['0.0.0.0/0', '::/0'];
const RULE_TYPES = [
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
];

function mentionsOpenCidr(value: unknown): boolean {
  const text = JSON.stringify(value);
  return OPEN_TO_THE_WORLD.some((cidr) => text.includes(cidr));
}

describe('network security', async () => {
  const network = await terraformDir('modules/network');
  const egress = [...(network.resources.get('aws_vpc_security_group_egress_rule') ?? [])];
  const ingress = [...(network.resources.get('aws_vpc_security_group_ingress_rule') ?? [])];

  it('declares no rule open to 0.0.0.0/0 or ::/0, in any folder', async () => {
    const open: string[] = [];
    for (const type of [...RULE_TYPES, 'aws_security_group', 'aws_default_security_group']) {
      for (const { dir, name, body } of await allOfType(type)) {
        if (mentionsOpenCidr(body)) open.push(`${dir.name} ${type}.${name}`);
      }
    }
    expect(open).toEqual([]);
  });

  it('keeps every rule in its own resource (no inline rules to overlook) and no internet path', async () => {
    const inline = (await allOfType('aws_security_group'))
      .filter(({ body }) => body.ingress !== undefined || body.egress !== undefined)
      .map(({ dir, name }) => `${dir.name} ${name}`);
    expect(inline).toEqual([]);
    for (const type of ['aws_internet_gateway', 'aws_nat_gateway', 'aws_eip', 'aws_security_group_rule']) {
      expect(await allOfType(type), type).toEqual([]);
    }
    const subnets = network.resources.get('aws_subnet') ?? new Map<string, Body>();
    for (const [, subnet] of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  it('locks the default security group down (no rules at all)', () => {
    const locked = resource(network, 'aws_default_security_group', 'this');
    expect(locked.ingress).toBeUndefined();
    expect(locked.egress).toBeUndefined();
  });

  it('puts private subnets in at least two zones from a variable', () => {
    const subnet = resource(network, 'aws_subnet', 'private');
    expect(subnet.count).toBe(expr('length(var.availability_zones)'));
    expect(subnet.availability_zone).toBe(expr('var.availability_zones[count.index]'));
    const validation = JSON.stringify(network.variables.get('availability_zones')?.validation);
    expect(validation).toContain('length(var.availability_zones) >= 2');
  });

  it('routes DynamoDB through a gateway endpoint on every private route table', () => {
    const endpoint = resource(network, 'aws_vpc_endpoint', 'dynamodb');
    expect(endpoint.vpc_endpoint_type).toBe('Gateway');
    expect(endpoint.service_name).toMatch(/\.dynamodb"?$/);
    expect(endpoint.route_table_ids).toBe(expr('aws_route_table.private[*].id'));
    expect(resource(network, 'aws_route_table', 'private').count).toBe(
      expr('length(var.availability_zones)'),
    );
  });

  it('reaches Secrets Manager through a private interface endpoint guarded by its own group', () => {
    const endpoint = resource(network, 'aws_vpc_endpoint', 'secretsmanager');
    expect(endpoint.vpc_endpoint_type).toBe('Interface');
    expect(endpoint.private_dns_enabled).toBe(true);
    expect(endpoint.security_group_ids).toEqual([expr('aws_security_group.endpoints.id')]);
  });

  it('lets the functions out only to Redis, the DynamoDB prefix list, Secrets Manager and DAX', () => {
    const destinations = egress.map(([, rule]) => {
      expect(rule.security_group_id, 'only the Lambda group has egress').toBe(
        expr('aws_security_group.lambda.id'),
      );
      expect(rule.cidr_ipv4 ?? rule.cidr_ipv6, 'no CIDR destination').toBeUndefined();
      return {
        to: rule.referenced_security_group_id ?? rule.prefix_list_id,
        port: [rule.from_port, rule.to_port],
      };
    });
    expect(destinations).toEqual(
      expect.arrayContaining([
        {
          to: expr('aws_security_group.redis.id'),
          port: [expr('tonumber(each.value)'), expr('tonumber(each.value)')],
        },
        { to: expr('aws_vpc_endpoint.dynamodb.prefix_list_id'), port: [443, 443] },
        { to: expr('aws_security_group.endpoints.id'), port: [443, 443] },
        { to: expr('aws_security_group.dax[0].id'), port: [expr('var.dax_port'), expr('var.dax_port')] },
      ]),
    );
    expect(destinations).toHaveLength(4);
    expect(resource(network, 'aws_vpc_security_group_egress_rule', 'lambda_to_redis').for_each).toBe(
      expr('local.redis_ports'),
    );
  });

  it('lets only the functions in, to Redis, the endpoints and DAX', () => {
    const sources = ingress.map(([, rule]) => {
      expect(rule.referenced_security_group_id).toBe(expr('aws_security_group.lambda.id'));
      expect(rule.cidr_ipv4 ?? rule.cidr_ipv6 ?? rule.prefix_list_id).toBeUndefined();
      return rule.security_group_id;
    });
    expect(sources.sort()).toEqual([
      expr('aws_security_group.dax[0].id'),
      expr('aws_security_group.endpoints.id'),
      expr('aws_security_group.redis.id'),
    ]);
  });

  it('opens DAX ports only when DAX is deployed, and only 8111 or 9111', () => {
    expect(resource(network, 'aws_security_group', 'dax').count).toBe(expr('local.dax_enabled ? 1 : 0'));
    expect(JSON.stringify(network.variables.get('dax_port')?.validation)).toContain('[8111, 9111]');
    for (const name of ['lambda_to_dax', 'dax_from_lambda']) {
      expect(
        resource(
          network,
          name === 'lambda_to_dax'
            ? 'aws_vpc_security_group_egress_rule'
            : 'aws_vpc_security_group_ingress_rule',
          name,
        ).count,
      ).toBe(expr('local.dax_enabled ? 1 : 0'));
    }
  });

  it('takes default zones only among Availability Zones that need no opt-in (never a Local Zone)', async () => {
    const env = await terraformDir('environments/example');
    const zones = dataSource(env, 'aws_availability_zones', 'available');
    expect(zones.state).toBe('available');
    expect(blocksOf(zones, 'filter')).toEqual(
      expect.arrayContaining([
        { name: 'opt-in-status', values: ['opt-in-not-required'] },
        { name: 'zone-type', values: ['availability-zone'] },
      ]),
    );
    expect(zones.all_availability_zones).toBeUndefined();
    expect(String(env.locals.get('availability_zones'))).toContain(
      'slice(data.aws_availability_zones.available.names, 0, 2)',
    );
  });

  it("gives both endpoints a policy: this account's principals, the stack's table and secret only", async () => {
    const thisAccount = {
      test: 'StringEquals',
      variable: 'aws:PrincipalAccount',
      values: [expr('data.aws_caller_identity.current.account_id')],
    };
    const everyone = [{ type: 'AWS', identifiers: ['*'] }];

    const dynamodb = resource(network, 'aws_vpc_endpoint', 'dynamodb');
    expect(dynamodb.policy).toBe(expr('data.aws_iam_policy_document.dynamodb_endpoint.json'));
    const [table, ...moreTable] = policyStatements(
      dataSource(network, 'aws_iam_policy_document', 'dynamodb_endpoint'),
    );
    expect(moreTable).toEqual([]);
    expect(table).toMatchObject({
      actions: expr('var.dynamodb_endpoint_actions'),
      resources: expr('var.dynamodb_table_arns'),
      principals: everyone,
    });
    expect(table?.effect ?? 'Allow').toBe('Allow');
    expect(blocksOf(table as Body, 'condition')).toEqual([thisAccount]);

    const secrets = resource(network, 'aws_vpc_endpoint', 'secretsmanager');
    expect(secrets.policy).toBe(expr('data.aws_iam_policy_document.secretsmanager_endpoint.json'));
    const [secret, ...moreSecret] = policyStatements(
      dataSource(network, 'aws_iam_policy_document', 'secretsmanager_endpoint'),
    );
    expect(moreSecret).toEqual([]);
    expect(secret).toMatchObject({
      actions: ['secretsmanager:GetSecretValue'],
      resources: expr('var.secret_arns'),
      principals: everyone,
    });
    expect(blocksOf(secret as Body, 'condition')).toEqual([thisAccount]);

    // Every interface or gateway endpoint of the stack carries a policy.
    for (const { dir, name, body } of await allOfType('aws_vpc_endpoint')) {
      expect(body.policy, `${dir.name} ${name}`).toMatch(/^\$\{data\.aws_iam_policy_document\.\w+\.json\}$/);
    }

    // The environment passes the table and the Redis token's secret, nothing broader.
    const env = await terraformDir('environments/example');
    const call = moduleCall(env, 'network');
    expect(call.dynamodb_table_arns).toEqual([expr('module.table.arn')]);
    expect(call.secret_arns).toEqual([expr('module.cache.auth_secret_arn')]);
    for (const name of ['dynamodb_table_arns', 'secret_arns', 'dynamodb_endpoint_actions']) {
      const variable = network.variables.get(name);
      expect(variable?.description, name).toBeTruthy();
      expect(variable?.validation, name).toHaveLength(1);
    }
    expect(call.dynamodb_endpoint_actions, 'the default list').toBeUndefined();
  });

  it('lets through the gateway endpoint exactly the DynamoDB item actions the functions in the VPC use', async () => {
    const env = await terraformDir('environments/example');
    const allowed = stringList(network.variables.get('dynamodb_endpoint_actions')?.default).sort();
    expect(allowed.some((action) => action.includes('*'))).toBe(false);
    // The stream function's stream reads are made by Lambda's poller, outside the VPC.
    const used = new Set<string>();
    for (const name of ['api_function', 'writer_function']) {
      for (const statement of policyStatements(dataSource(env, 'aws_iam_policy_document', name))) {
        for (const action of stringList(statement.actions))
          if (action.startsWith('dynamodb:')) used.add(action);
      }
    }
    expect(allowed).toEqual([...used].sort());
  });

  it('logs every flow of the VPC to an encrypted log group with a retention, through a least-privilege role', async () => {
    const flowLog = resource(network, 'aws_flow_log', 'this');
    expect(flowLog).toMatchObject({
      vpc_id: expr('aws_vpc.this.id'),
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
      log_destination: expr('aws_cloudwatch_log_group.flow_logs.arn'),
      iam_role_arn: expr('aws_iam_role.flow_logs.arn'),
      tags: expr('merge(var.tags, { Name = var.name })'),
    });
    expect(stringList(flowLog.depends_on)).toContain(expr('aws_iam_role_policy.flow_logs'));
    expect(resource(network, 'aws_cloudwatch_log_group', 'flow_logs')).toMatchObject({
      retention_in_days: expr('var.log_retention_days'),
      kms_key_id: expr('var.kms_key_arn'),
      tags: expr('var.tags'),
    });
    expect(resource(network, 'aws_iam_role', 'flow_logs')).toMatchObject({
      assume_role_policy: expr('data.aws_iam_policy_document.assume_flow_logs.json'),
      tags: expr('var.tags'),
    });
    const [trust] = policyStatements(dataSource(network, 'aws_iam_policy_document', 'assume_flow_logs'));
    expect(blocksOf(trust as Body, 'principals')).toEqual([
      { type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] },
    ]);
    expect(blocksOf(trust as Body, 'condition').map((condition) => condition.variable)).toEqual([
      'aws:SourceAccount',
      'aws:SourceArn',
    ]);
    expect(resource(network, 'aws_iam_role_policy', 'flow_logs')).toMatchObject({
      role: expr('aws_iam_role.flow_logs.id'),
      policy: expr('data.aws_iam_policy_document.flow_logs.json'),
    });
    const statements = policyStatements(dataSource(network, 'aws_iam_policy_document', 'flow_logs'));
    expect(statements).toEqual([
      {
        sid: 'WriteFlowLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [`${expr('aws_cloudwatch_log_group.flow_logs.arn')}:*`],
      },
    ]);
    const env = await terraformDir('environments/example');
    expect(moduleCall(env, 'network')).toMatchObject({
      kms_key_arn: expr('aws_kms_key.this.arn'),
      log_retention_days: expr('var.log_retention_days'),
    });
    // The stack key lets CloudWatch Logs encrypt any log group of this account and region, this one included.
    const logsKey = policyStatements(dataSource(env, 'aws_iam_policy_document', 'kms')).find(
      (statement) => statement.sid === 'CloudWatchLogsEncryptsLogGroups',
    );
    expect(JSON.stringify(logsKey)).toContain(':log-group:*');
  });

  it('wires the cache, DAX and functions to their groups in the example environment', async () => {
    const env = await terraformDir('environments/example');
    expect(moduleCall(env, 'cache').security_group_ids).toEqual([
      expr('module.network.redis_security_group_id'),
    ]);
    expect(moduleCall(env, 'dax').security_group_ids).toEqual([expr('module.network.dax_security_group_id')]);
    // Every function talks to Redis (and the writer to DynamoDB) from the private subnets, through the
    // one Lambda group whose egress is Redis, the DynamoDB prefix list, Secrets Manager and DAX only.
    // The stream's poller is Lambda's own; the function itself only reaches Redis and Secrets Manager.
    for (const call of ['api_function', 'writer_function', 'stream_function']) {
      expect(moduleCall(env, call).security_group_ids, call).toEqual([
        expr('module.network.lambda_security_group_id'),
      ]);
      expect(moduleCall(env, call).subnet_ids, call).toBe(expr('module.network.private_subnet_ids'));
    }
    expect(moduleCall(env, 'network').dax_port).toBe(expr('var.dax_enabled ? module.dax[0].port : null'));
    expect(stringList(moduleCall(env, 'network').redis_ports)).toEqual([expr('module.cache.ports')]);
  });
});
