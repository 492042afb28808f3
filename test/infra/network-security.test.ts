import { describe, expect, it } from 'vitest';
import {
  allOfType,
  type Body,
  expr,
  moduleCall,
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
