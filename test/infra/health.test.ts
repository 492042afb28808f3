import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/http/routes.js';
import {
  dataSource,
  expr,
  moduleCall,
  policyStatements,
  stringList,
  terraformDir,
} from './support/load-terraform.js';

/** What GET /health needs on AWS, and the eviction policy whose figures it reports. */
describe('GET /health on AWS', async () => {
  const env = await terraformDir('environments/example');
  const cache = await terraformDir('modules/cache');
  const network = await terraformDir('modules/network');

  it('is a method of the api function that only IAM-signed callers may invoke', () => {
    expect(ROUTES.health).toEqual({
      method: 'GET',
      path: '/health',
      authorization: 'AWS_IAM',
      function: 'api',
    });
    expect(env.locals.get('routes')).toContainEqual({
      method: 'GET',
      path: '/health',
      function: 'api',
      authorization: 'AWS_IAM',
    });
    expect(env.outputs.get('health_invoke_arn')?.value).toBe(
      `${expr('module.api.execution_arn')}/${expr('module.api.stage_name')}/GET/health`,
    );
  });

  it('lets the api function describe its table, and only that table, through the VPC endpoint', () => {
    const describing = policyStatements(dataSource(env, 'aws_iam_policy_document', 'api_function')).filter(
      (statement) => stringList(statement.actions).includes('dynamodb:DescribeTable'),
    );
    expect(describing).toHaveLength(1);
    expect(describing[0]).toMatchObject({
      actions: ['dynamodb:DescribeTable'],
      resources: [expr('module.table.arn')],
    });
    expect(stringList(network.variables.get('dynamodb_endpoint_actions')?.default)).toContain(
      'dynamodb:DescribeTable',
    );
    expect(moduleCall(env, 'network').dynamodb_table_arns).toEqual([expr('module.table.arn')]);
  });

  it("lets the functions' Redis user send the probe's PING and INFO, and not CONFIG", () => {
    const allowed = stringList(cache.variables.get('allowed_commands')?.default);
    expect(allowed).toEqual(expect.arrayContaining(['+ping', '+info']));
    expect(allowed.some((rule) => rule.startsWith('+config'))).toBe(false);
  });

  it('evicts the least recently used key of any kind by default (allkeys-lru), in the module and the environment', () => {
    expect(cache.variables.get('maxmemory_policy')?.default).toBe('allkeys-lru');
    expect(env.variables.get('cache_maxmemory_policy')?.default).toBe('allkeys-lru');
    expect(moduleCall(env, 'cache').maxmemory_policy).toBe(expr('var.cache_maxmemory_policy'));
  });
});
