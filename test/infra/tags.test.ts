import { describe, expect, it } from 'vitest';
import { type Body, expr, loadTerraform, only, terraformDir } from './support/load-terraform.js';

/** A resource's tags come from the module's `tags` variable (alone or merged with a Name). */
const fromTagsVariable = (tags: unknown) =>
  tags === expr('var.tags') || (typeof tags === 'string' && tags.startsWith(`$\{merge(var.tags,`));

describe('tags', () => {
  it('tags the stack through the provider default_tags', async () => {
    const env = await terraformDir('environments/example');
    const [provider] = env.blocks.filter((block) => block.kind === 'provider');
    if (!provider) throw new Error('no provider block');
    const aws = only((provider.body as Body).aws);
    expect(String(only(aws.default_tags).tags)).toContain('var.tags');
  });

  it('passes var.tags to every resource of a type that is tagged anywhere in the modules', async () => {
    const byType = new Map<string, { where: string; tags: unknown }[]>();
    for (const dir of (await loadTerraform()).values()) {
      if (!dir.name.startsWith('modules/')) continue;
      for (const [type, byName] of dir.resources) {
        for (const [name, body] of byName) {
          byType.set(type, [
            ...(byType.get(type) ?? []),
            { where: `${dir.name} ${type}.${name}`, tags: body.tags },
          ]);
        }
      }
    }
    const tagged = [...byType].filter(([, resources]) => resources.some(({ tags }) => tags !== undefined));
    // The write side's resources are among them.
    expect(tagged.map(([type]) => type)).toEqual(
      expect.arrayContaining([
        'aws_sqs_queue',
        'aws_lambda_event_source_mapping',
        'aws_lambda_function',
        'aws_iam_role',
        'aws_cloudwatch_log_group',
        'aws_cloudwatch_metric_alarm',
      ]),
    );
    const untagged = tagged.flatMap(([, resources]) =>
      resources.filter(({ tags }) => !fromTagsVariable(tags)).map(({ where }) => where),
    );
    expect(untagged).toEqual([]);
  });
});
