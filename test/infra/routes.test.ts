import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { ALL_ROUTES } from '../../src/http/routes.js';
import {
  type Body,
  expr,
  isBody,
  moduleCall,
  moduleSource,
  only,
  resource,
  terraformDir,
} from './support/load-terraform.js';

interface TerraformRoute {
  method: string;
  path: string;
  function: string;
  authorization: string;
}

/** Method, path, authorization and the function (so the role) that serves it. */
const routeKey = (route: { method: string; path: string; authorization: string; function: string }) =>
  `${route.method} ${route.path} ${route.authorization} ${route.function}`;

describe('API Gateway routes', async () => {
  const env = await terraformDir('environments/example');
  const api = await terraformDir('modules/api');
  const declared = env.locals.get('routes') as TerraformRoute[];
  const call = moduleCall(env, 'api');

  it('declares the routes as literal data the checks can read', () => {
    expect(Array.isArray(declared)).toBe(true);
    expect(call.routes).toBe(expr('local.routes'));
  });

  it('has a method for every route the app serves, and serves every method', () => {
    expect(declared.map(routeKey).sort()).toEqual(ALL_ROUTES.map(routeKey).sort());
  });

  it('points every route at a function deployed by the function module', async () => {
    const functions = call.functions;
    expect(isBody(functions)).toBe(true);
    const functionModule = await terraformDir('modules/function');
    for (const route of declared) {
      const target = (functions as Body)[route.function];
      expect(target, route.path).toBeDefined();
      const invokeArn = String((target as Body).invoke_arn);
      const callName = /^\$\{module\.(\w+)\.invoke_arn\}$/.exec(invokeArn)?.[1] ?? '';
      expect(await moduleSource(env, moduleCall(env, callName))).toBe(functionModule);
    }
  });

  it('requires IAM (SigV4) authorization on every route that changes data, and routes it to the writer', () => {
    const writes = declared.filter((route) => route.method !== 'GET' && route.method !== 'HEAD');
    expect(writes.map((route) => route.method).sort()).toEqual(['DELETE', 'PUT']);
    for (const route of writes) {
      expect(route, `${route.method} ${route.path}`).toMatchObject({
        authorization: 'AWS_IAM',
        function: 'writer',
      });
    }
    // The read function, whose role can only read, serves no write: its GETs are products and /health.
    expect(
      declared.filter((route) => route.function === 'api').map((route) => `${route.method} ${route.path}`),
    ).toEqual(['GET /product/{productId}', 'GET /products', 'GET /health']);
    expect(String(((call.functions as Body).writer as Body).invoke_arn)).toBe(
      expr('module.writer_function.invoke_arn'),
    );
  });

  it('gives the writer one Lambda permission per write route through the routes, and redeploys on new ones', () => {
    const permission = resource(api, 'aws_lambda_permission', 'this');
    expect(permission.function_name).toBe(expr('var.functions[each.value.function].function_name'));
    const deployment = resource(api, 'aws_api_gateway_deployment', 'this');
    const trigger = String(only(deployment.triggers ? [deployment.triggers] : []).redeployment);
    expect(trigger).toContain('[for method in aws_api_gateway_method.this : method.id]');
    expect(trigger).toContain(
      '[for integration in aws_api_gateway_integration.this : [integration.id, integration.uri]]',
    );
  });

  it('fits every route path into the resource tree the module builds (at most four segments)', () => {
    for (const route of ALL_ROUTES) {
      expect(route.path).toMatch(/^(\/([A-Za-z0-9._-]+|\{[A-Za-z0-9_]+\+?\})){1,4}$/);
    }
  });

  it('makes one method per route, with the route authorization (AWS_IAM routes become IAM-authorized)', () => {
    const method = resource(api, 'aws_api_gateway_method', 'this');
    expect(method).toMatchObject({
      for_each: expr('local.routes'),
      http_method: expr('each.value.method'),
      authorization: expr('each.value.authorization'),
      resource_id: expr('local.resource_ids[each.value.path]'),
    });
    expect(String(api.locals.get('routes'))).toContain('for route in var.routes');
    const conditions = ((api.variables.get('routes')?.validation ?? []) as Body[]).map((rule) =>
      String(rule.condition),
    );
    expect(conditions).toContainEqual(
      expect.stringContaining('contains(["NONE", "AWS_IAM"], r.authorization)'),
    );
  });

  it('integrates each method with its function through AWS_PROXY', () => {
    expect(resource(api, 'aws_api_gateway_integration', 'this')).toMatchObject({
      for_each: expr('local.routes'),
      type: 'AWS_PROXY',
      integration_http_method: 'POST',
      uri: expr('var.functions[each.value.function].invoke_arn'),
    });
  });

  it("scopes each Lambda permission to this API's execution ARN, stage, method and path", () => {
    const permission = resource(api, 'aws_lambda_permission', 'this');
    expect(permission.for_each).toBe(expr('local.routes'));
    expect(permission.principal).toBe('apigateway.amazonaws.com');
    // hcl2json renders the method conditional as a template directive.
    expect(permission.source_arn).toBe(
      `${expr('aws_api_gateway_rest_api.this.execution_arn')}/${expr('var.stage_name')}/` +
        `%{if each.value.method == "ANY"}*%{else}${expr('each.value.method')}%{endif}` +
        expr('replace(each.value.path, "/\\\\{[^/]+\\\\}/", "*")'),
    );
  });

  it('redeploys when routes, methods, integrations or gateway responses change', () => {
    const deployment = resource(api, 'aws_api_gateway_deployment', 'this');
    const trigger = String(only(deployment.triggers ? [deployment.triggers] : []).redeployment);
    for (const part of [
      'local.routes',
      'aws_api_gateway_method.this',
      'aws_api_gateway_integration.this',
      'aws_api_gateway_gateway_response.missing_authentication_token.status_code',
      'aws_api_gateway_gateway_response.missing_authentication_token.response_templates',
    ]) {
      expect(trigger).toContain(part);
    }
    expect(only(deployment.lifecycle).create_before_destroy).toBe(true);
  });

  it('answers an unknown path or method with 404 JSON like the app, not 403 "Missing Authentication Token"', () => {
    const response = resource(api, 'aws_api_gateway_gateway_response', 'missing_authentication_token');
    expect(response).toMatchObject({
      rest_api_id: expr('aws_api_gateway_rest_api.this.id'),
      response_type: 'MISSING_AUTHENTICATION_TOKEN',
      status_code: '404',
      response_parameters: { 'gatewayresponse.header.Content-Type': "'application/json'" },
    });
    const templates = response.response_templates as Body;
    expect(templates['application/json']).toBe(expr('jsonencode({ message = "Not found" })'));
  });

  it('gives API Gateway the same 404 body the app sends for an unknown route', async () => {
    const response = resource(api, 'aws_api_gateway_gateway_response', 'missing_authentication_token');
    const template = String((response.response_templates as Body)['application/json']);
    const message = /^\$\{jsonencode\(\{ message = "([^"]*)" \}\)\}$/.exec(template)?.[1];
    const app = createApp({
      readProduct: async () => {
        throw new Error('not called for an unknown route');
      },
      onRequestEnd: () => undefined,
      onError: () => undefined,
    });
    const unknown = await app.request('/no-such-route');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message });
  });

  it('logs, traces and throttles the stage; WAF is an option', () => {
    const stage = resource(api, 'aws_api_gateway_stage', 'this');
    expect(stage.xray_tracing_enabled).toBe(true);
    expect(only(stage.access_log_settings).destination_arn).toBe(expr('aws_cloudwatch_log_group.access.arn'));
    const settings = only(resource(api, 'aws_api_gateway_method_settings', 'all').settings);
    expect(settings).toMatchObject({
      throttling_rate_limit: expr('var.throttling_rate_limit'),
      throttling_burst_limit: expr('var.throttling_burst_limit'),
    });
    expect(resource(api, 'aws_wafv2_web_acl_association', 'this').count).toBe(
      expr('var.waf_enabled ? 1 : 0'),
    );
  });

  it('throttles every method of the stage (*/*) from validated variables, metrics on, execution logs off', () => {
    const methodSettings = resource(api, 'aws_api_gateway_method_settings', 'all');
    expect(methodSettings).toMatchObject({
      rest_api_id: expr('aws_api_gateway_rest_api.this.id'),
      stage_name: expr('aws_api_gateway_stage.this.stage_name'),
      method_path: '*/*',
    });
    expect(only(methodSettings.settings)).toEqual({
      metrics_enabled: true,
      throttling_rate_limit: expr('var.throttling_rate_limit'),
      throttling_burst_limit: expr('var.throttling_burst_limit'),
      logging_level: 'OFF',
      data_trace_enabled: false,
    });
    expect(api.resources.get('aws_api_gateway_method_settings')?.size).toBe(1);
    // The environment's variables reach the module; each has a description, a default and a validation.
    expect(call).toMatchObject({
      throttling_rate_limit: expr('var.api_throttling_rate_limit'),
      throttling_burst_limit: expr('var.api_throttling_burst_limit'),
    });
    for (const [dir, name] of [
      [api, 'throttling_rate_limit'],
      [api, 'throttling_burst_limit'],
      [env, 'api_throttling_rate_limit'],
      [env, 'api_throttling_burst_limit'],
    ] as const) {
      const variable = dir.variables.get(name);
      expect(variable?.description, name).toBeTruthy();
      expect(typeof variable?.default, name).toBe('number');
      expect(variable?.default as number, name).toBeGreaterThan(0);
      expect(variable?.validation, name).toHaveLength(1);
      expect(String(((variable?.validation ?? []) as Body[])[0]?.condition), name).toContain(`var.${name} `);
    }
    expect(env.variables.get('api_throttling_burst_limit')?.default as number).toBeGreaterThanOrEqual(
      env.variables.get('api_throttling_rate_limit')?.default as number,
    );
  });

  it('outputs the invoke URL', () => {
    expect(env.outputs.get('api_invoke_url')?.value).toBe(expr('module.api.invoke_url'));
  });
});
