import { describe, expect, it } from 'vitest';
import {
  type Body,
  expr,
  moduleCall,
  moduleSource,
  only,
  resource,
  terraformDir,
} from './support/load-terraform.js';

/** A variable's default and whether its validation's condition text holds each fragment. */
function variableOf(
  dir: { variables: Map<string, Body> },
  name: string,
): { default: unknown; condition: string } {
  const variable = dir.variables.get(name);
  if (!variable) throw new Error(`no variable ${name}`);
  const rules = (variable.validation ?? []) as Body[];
  return { default: variable.default, condition: rules.map((rule) => String(rule.condition)).join(' && ') };
}

describe('the table stream and its consumer', async () => {
  const env = await terraformDir('environments/example');
  const stream = await terraformDir('modules/stream');
  const table = await terraformDir('modules/table');
  const mapping = resource(stream, 'aws_lambda_event_source_mapping', 'this');
  const queue = resource(stream, 'aws_sqs_queue', 'failures');
  const call = moduleCall(env, 'stream');

  it("expires the DELETE's tombstones by TTL on the attribute the writer sets", async () => {
    const { EXPIRES_AT_ATTRIBUTE } = await import('../../src/adapters/dynamodb/tombstone.js');
    expect(resource(table, 'aws_dynamodb_table', 'this').ttl).toEqual([
      { attribute_name: EXPIRES_AT_ATTRIBUTE, enabled: true },
    ]);
  });

  it('streams both images of every change and outputs the stream ARN', () => {
    expect(resource(table, 'aws_dynamodb_table', 'this')).toMatchObject({
      stream_enabled: true,
      stream_view_type: 'NEW_AND_OLD_IMAGES',
    });
    expect(table.outputs.get('stream_arn')?.value).toBe(expr('aws_dynamodb_table.this.stream_arn'));
    expect(env.outputs.get('table_stream_arn')?.value).toBe(expr('module.table.stream_arn'));
  });

  it('maps the table stream to the stream function deployed by the function module', async () => {
    expect(await moduleSource(env, call)).toBe(stream);
    expect(call.stream_arn).toBe(expr('module.table.stream_arn'));
    expect(call.function_name).toBe(expr('module.stream_function.function_name'));
    expect(await moduleSource(env, moduleCall(env, 'stream_function'))).toBe(
      await terraformDir('modules/function'),
    );
    expect(mapping).toMatchObject({
      event_source_arn: expr('var.stream_arn'),
      function_name: expr('var.function_name'),
      starting_position: expr('var.starting_position'),
    });
    expect(variableOf(stream, 'starting_position').default).toBe('LATEST');
  });

  it('reports partial batch failures and splits a failing batch', () => {
    expect(mapping.function_response_types).toEqual(['ReportBatchItemFailures']);
    expect(mapping.bisect_batch_on_function_error).toBe(true);
  });

  it('bounds retries and record age (never -1, infinite), so one bad record cannot block its shard for a day', () => {
    expect(mapping.maximum_retry_attempts).toBe(expr('var.maximum_retry_attempts'));
    expect(mapping.maximum_record_age_in_seconds).toBe(expr('var.maximum_record_age_seconds'));
    const retries = variableOf(stream, 'maximum_retry_attempts');
    expect(retries.default).toBe(10);
    expect(retries.condition).toContain('var.maximum_retry_attempts >= 0');
    const age = variableOf(stream, 'maximum_record_age_seconds');
    expect(age.default).toBe(3600);
    expect(age.condition).toContain('var.maximum_record_age_seconds >= 60');
    expect(age.condition).toContain('var.maximum_record_age_seconds <= 86400');
    // The example passes its own variables with the same defaults.
    expect(call.maximum_retry_attempts).toBe(expr('var.stream_maximum_retry_attempts'));
    expect(call.maximum_record_age_seconds).toBe(expr('var.stream_maximum_record_age_seconds'));
    expect(env.variables.get('stream_maximum_retry_attempts')?.default).toBe(retries.default);
    expect(env.variables.get('stream_maximum_record_age_seconds')?.default).toBe(age.default);
    // A discarded record is moot only once the entry it would have corrected has been refreshed.
    expect(Number(age.default)).toBeGreaterThan(Number(env.variables.get('cache_ttl_seconds')?.default) * 2);
  });

  it('processes one batch per shard at a time, in small batches, without waiting to fill them', () => {
    expect(mapping.parallelization_factor).toBe(expr('var.parallelization_factor'));
    expect(variableOf(stream, 'parallelization_factor').default).toBe(1);
    expect(env.variables.get('stream_parallelization_factor')?.default).toBe(1);
    expect(mapping.batch_size).toBe(expr('var.batch_size'));
    expect(variableOf(stream, 'batch_size').default).toBe(100);
    expect(mapping.maximum_batching_window_in_seconds).toBe(expr('var.maximum_batching_window_seconds'));
    expect(variableOf(stream, 'maximum_batching_window_seconds').default).toBe(0);
  });

  it('sends what it gives up on to an encrypted SQS queue kept 14 days', () => {
    const destination = only(only(mapping.destination_config).on_failure);
    expect(destination.destination_arn).toBe(expr('aws_sqs_queue.failures.arn'));
    expect(queue).toMatchObject({
      name: `${expr('var.name')}-stream-failures`,
      message_retention_seconds: expr('var.failure_retention_seconds'),
      kms_master_key_id: expr('var.kms_key_arn'),
    });
    expect(queue.sqs_managed_sse_enabled).toBeUndefined();
    expect(variableOf(stream, 'failure_retention_seconds').default).toBe(14 * 24 * 3600);
    expect(call.kms_key_arn).toBe(expr('aws_kms_key.this.arn'));
    expect(env.outputs.get('stream_failure_queue_url')?.value).toBe(expr('module.stream.failure_queue_url'));
  });

  it('gives the stream function a timeout that fits a batch, and the writer one under API Gateway', () => {
    expect(moduleCall(env, 'stream_function').timeout_seconds).toBe(60);
    expect(moduleCall(env, 'writer_function').timeout_seconds).toBeLessThan(29);
  });
});
