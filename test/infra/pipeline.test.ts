import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Body,
  blocksOf,
  dataSource,
  expr,
  policyStatements,
  resource,
  stringList,
  terraformDir,
} from './support/load-terraform.js';

/**
 * The commands of each phase of a CodeBuild buildspec, in order, read as text (no YAML parser is
 * installed): `phases:` → `<phase>:` → `commands:` → `- command` items, with `>-` folded blocks joined.
 */
function buildspecCommands(text: string): Map<string, string[]> {
  const phases = new Map<string, string[]>();
  let phase: string | undefined;
  let inPhases = false;
  let inCommands = false;
  let folding: string[] | undefined;
  const flush = () => {
    if (folding && phase) phases.get(phase)?.push(folding.join(' '));
    folding = undefined;
  };
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      flush();
      inPhases = line.startsWith('phases:');
      phase = undefined;
      continue;
    }
    if (!inPhases || line.trim() === '' || line.trim().startsWith('#')) continue;
    const phaseMatch = /^ {2}(\w+):\s*$/.exec(line);
    if (phaseMatch) {
      flush();
      phase = phaseMatch[1] as string;
      phases.set(phase, []);
      inCommands = false;
      continue;
    }
    if (/^ {4}commands:\s*$/.test(line)) {
      flush();
      inCommands = true;
      continue;
    }
    if (/^ {4}\S/.test(line)) {
      flush();
      inCommands = false;
      continue;
    }
    if (!inCommands || !phase) continue;
    const item = /^ {6}- (.*)$/.exec(line);
    if (item) {
      flush();
      const command = item[1] as string;
      if (command === '>-') folding = [];
      else phases.get(phase)?.push(command);
    } else if (folding) {
      folding.push(line.trim());
    }
  }
  flush();
  return phases;
}

function allCommands(phases: Map<string, string[]>): string[] {
  return [...phases.values()].flat();
}

describe('pipeline', async () => {
  const pipeline = await terraformDir('modules/pipeline');
  const codepipeline = resource(pipeline, 'aws_codepipeline', 'this');
  const stages = blocksOf(codepipeline, 'stage');
  const actionOf = (stageName: string): Body => {
    const stage = stages.find((candidate) => candidate.name === stageName);
    if (!stage) throw new Error(`no stage ${stageName}`);
    const [action] = blocksOf(stage, 'action');
    if (!action) throw new Error(`stage ${stageName} has no action`);
    return action;
  };
  const buildspec = (stage: string) =>
    buildspecCommands(readFileSync(join(pipeline.path, `buildspec-${stage}.yml`), 'utf8'));

  it('runs Source → Test → Plan → Approve → Apply', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['Source', 'Test', 'Plan', 'Approve', 'Apply']);
  });

  it('takes the source from a CodeStar/CodeConnections connection, never a GitHub OAuth token', () => {
    const source = actionOf('Source');
    expect(source).toMatchObject({
      category: 'Source',
      owner: 'AWS',
      provider: 'CodeStarSourceConnection',
      output_artifacts: ['source'],
    });
    expect((source.configuration as Body).ConnectionArn).toBe(expr('local.connection_arn'));
    expect(JSON.stringify(stages)).not.toMatch(/OAuthToken|"provider":"GitHub"|ThirdParty/);
  });

  it('lets the pipeline use the connection with both service prefixes, on that connection only', () => {
    const statements = policyStatements(dataSource(pipeline, 'aws_iam_policy_document', 'pipeline'));
    const use = statements.find((statement) => statement.sid === 'UseSourceConnection');
    expect(stringList(use?.actions).sort()).toEqual([
      'codeconnections:UseConnection',
      'codestar-connections:UseConnection',
    ]);
    expect(use?.resources).toEqual([expr('local.connection_arn')]);
  });

  it('tests on the source, plans the source with the tested build, approves manually, applies the plan', () => {
    expect(actionOf('Test')).toMatchObject({
      provider: 'CodeBuild',
      input_artifacts: ['source'],
      output_artifacts: ['build'],
      configuration: { ProjectName: expr('aws_codebuild_project.this["test"].name') },
    });
    expect(actionOf('Plan')).toMatchObject({
      provider: 'CodeBuild',
      input_artifacts: ['source', 'build'],
      output_artifacts: ['plan'],
      configuration: {
        ProjectName: expr('aws_codebuild_project.this["plan"].name'),
        PrimarySource: 'source',
      },
    });
    expect(actionOf('Approve')).toMatchObject({ category: 'Approval', owner: 'AWS', provider: 'Manual' });
    expect(actionOf('Apply')).toMatchObject({
      provider: 'CodeBuild',
      input_artifacts: ['plan'],
      configuration: { ProjectName: expr('aws_codebuild_project.this["apply"].name') },
    });
    expect(actionOf('Apply').output_artifacts).toBeUndefined();
  });

  it('Test: Node 22, Redis 7 pinned from packages.redis.io, then the repository CI script; outputs dist/', () => {
    const text = readFileSync(join(pipeline.path, 'buildspec-test.yml'), 'utf8');
    expect(text).toMatch(/runtime-versions:\n\s+nodejs: 22\n/);
    const install = buildspec('test').get('install') ?? [];
    const addKey = install.findIndex((command) => command.includes('https://packages.redis.io/gpg'));
    const addRepo = install.findIndex((command) => command.includes('https://packages.redis.io/deb'));
    const update = install.indexOf('apt-get update -y');
    const installRedis = install.findIndex((command) => command.includes('apt-get install'));
    const checkVersion = install.findIndex((command) => command.startsWith('redis-server --version'));
    expect([addKey, addRepo, update, installRedis, checkVersion].every((index) => index >= 0)).toBe(true);
    expect(addKey).toBeLessThan(addRepo);
    expect(addRepo).toBeLessThan(update);
    expect(update).toBeLessThan(installRedis);
    expect(installRedis).toBeLessThan(checkVersion);
    // Pinned: redis-server and redis-tools at the exact version, not "latest".
    const pinned = `6:${expr('REDIS_VERSION')}-1rl1~${expr('CODENAME')}1"`;
    expect(install[installRedis]).toContain(`"redis-server=${pinned}`);
    expect(install[installRedis]).toContain(`"redis-tools=${pinned}`);
    expect(buildspec('test').get('build')).toEqual(['bash .ci/run']);
    expect(text).toMatch(/artifacts:\n\s+files:\n\s+- "dist\/\*\*\/\*"\n/);

    const environment = pipeline.locals.get('build_environment') as Record<string, Body>;
    expect(environment.test).toEqual({ REDIS_VERSION: expr('var.redis_version') });
    expect(pipeline.variables.get('redis_version')?.default).toMatch(/^7\.\d+\.\d+$/);
  });

  it('the CI script the Test stage runs does what the pipeline promises', () => {
    const script = readFileSync(join(pipeline.path, '../../../../.ci/run'), 'utf8');
    for (const step of ['npm ci', 'npm run lint', 'npm run typecheck', 'npm run build', 'npm test']) {
      expect(script).toContain(step);
    }
    // `terraform fmt -check` runs inside npm test (test/infra/fmt.test.ts), wherever terraform is present.
    const fmtTest = readFileSync(join(pipeline.path, '../../../../test/infra/fmt.test.ts'), 'utf8');
    expect(fmtTest).toContain("'fmt', '-check', '-recursive'");
  });

  it('Plan: Terraform only (no npm), fmt → init → validate → plan on the Test stage dist/', () => {
    const phases = buildspec('plan');
    const commands = allCommands(phases);
    expect(commands.some((command) => /\bnpm\b|\bnpx\b|\.ci\/run|\bnode\b/.test(command))).toBe(false);
    const order = [
      'CODEBUILD_SRC_DIR_build}/dist"',
      'terraform fmt -check',
      ' init ',
      ' validate',
      ' plan ',
      ' show ',
    ];
    const positions = order.map((part) => commands.findIndex((command) => command.includes(part)));
    expect(
      positions.every((position) => position >= 0),
      JSON.stringify(positions),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const text = readFileSync(join(pipeline.path, 'buildspec-plan.yml'), 'utf8');
    expect(text).not.toContain('runtime-versions');
  });

  it('keeps each stage to its own artifacts: Test reads the source and writes only its build output', () => {
    const codepipeline = resource(pipeline, 'aws_codepipeline', 'this');
    expect(codepipeline.name).toBe(expr('var.name'));
    // CodePipeline's artifact store layout: <pipeline name, 20 characters>/<artifact name, 10 characters>/.
    expect(pipeline.locals.get('artifact_folders')).toBe(
      expr(
        '{\n    for artifact in ["source", "build", "plan"] :\n    artifact => "$' +
          '{aws_s3_bucket.artifacts.arn}/$' +
          '{substr(var.name, 0, 20)}/$' +
          '{substr(artifact, 0, 10)}"\n  }',
      ),
    );
    // What each action consumes and produces, as the pipeline wires it.
    const inputs: Record<string, unknown> = {};
    const outputs: Record<string, unknown> = {};
    for (const [stage, project] of [
      ['Test', 'test'],
      ['Plan', 'plan'],
      ['Apply', 'apply'],
    ] as const) {
      inputs[project] = actionOf(stage).input_artifacts;
      outputs[project] = actionOf(stage).output_artifacts ?? [];
    }
    expect(pipeline.locals.get('artifacts_read')).toEqual(inputs);
    expect(pipeline.locals.get('artifacts_written')).toEqual(outputs);
    expect(inputs.test).toEqual(['source']);
    expect(outputs.test).toEqual(['build']);
    // The Test stage's output is its own, named apart from every other artifact.
    expect(
      Object.values(outputs)
        .flat()
        .filter((name) => name === 'build'),
    ).toHaveLength(1);
    expect(actionOf('Source').output_artifacts).toEqual(['source']);
    // Plan takes the Terraform code from Source and only dist/ from the Test stage's artifact.
    const pre = buildspec('plan').get('pre_build') ?? [];
    expect(pre).toContain(`rm -rf dist && cp -R "$` + `{CODEBUILD_SRC_DIR_build}/dist" dist`);
    expect(
      allCommands(buildspec('plan')).filter((command) => command.includes('CODEBUILD_SRC_DIR_build')),
    ).toEqual([
      `test -f "$` + `{CODEBUILD_SRC_DIR_build}/dist/functions/api/index.mjs"`,
      `rm -rf dist && cp -R "$` + `{CODEBUILD_SRC_DIR_build}/dist" dist`,
    ]);
  });

  it('lets each build role use the key only through S3 (and Secrets Manager for plan and apply)', () => {
    const document = dataSource(pipeline, 'aws_iam_policy_document', 'build');
    const key = blocksOf(document, 'statement').find((statement) => statement.sid === 'UseEncryptionKey');
    expect(key?.actions).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(blocksOf(key as Body, 'condition')).toEqual([
      { test: 'StringEquals', variable: 'kms:ViaService', values: expr('local.key_services[each.key]') },
    ]);
    const s3 = `s3.${expr('local.region')}.amazonaws.com`;
    const secrets = `secretsmanager.${expr('local.region')}.amazonaws.com`;
    expect(pipeline.locals.get('key_services')).toEqual({
      test: [s3],
      plan: [s3, secrets],
      apply: [s3, secrets],
    });
    // No other statement of any build role grants a KMS action that decrypts or encrypts.
    const unconditioned = policyStatements(document)
      .filter((statement) => statement.sid !== 'UseEncryptionKey')
      .flatMap((statement) => stringList(statement.actions))
      .filter((action) => action.startsWith('kms:'));
    expect(unconditioned).toEqual(['kms:DescribeKey']);
    const refresh = policyStatements(dataSource(pipeline, 'aws_iam_policy_document', 'plan_refresh'));
    const crypto = /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/;
    expect(
      refresh.flatMap((statement) => stringList(statement.actions)).filter((a) => crypto.test(a)),
    ).toEqual([]);
  });

  it('lets the pipeline role use the key only through S3', () => {
    const statements = policyStatements(dataSource(pipeline, 'aws_iam_policy_document', 'pipeline'));
    const key = statements.find((statement) => statement.sid === 'UseEncryptionKey');
    expect(key?.actions).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(blocksOf(key as Body, 'condition')).toEqual([
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`s3.${expr('local.region')}.amazonaws.com`],
      },
    ]);
    const unconditioned = statements
      .filter((statement) => statement.sid !== 'UseEncryptionKey')
      .flatMap((statement) => stringList(statement.actions))
      .filter((action) => action.startsWith('kms:'));
    expect(unconditioned).toEqual(['kms:DescribeKey']);
  });

  it('Apply: init and apply of exactly the approved tfplan', () => {
    const commands = allCommands(buildspec('apply'));
    expect(commands.at(-1)).toBe(`terraform -chdir="${expr('TF_DIR')}" apply -input=false tfplan`);
    expect(commands.some((command) => /\bnpm\b/.test(command))).toBe(false);
  });

  it('gives the Test role only its logs, the artifacts and the key; plan reads the stack without ReadOnlyAccess', () => {
    const document = dataSource(pipeline, 'aws_iam_policy_document', 'build');
    const plain = blocksOf(document, 'statement').map((statement) => String(statement.sid));
    expect(plain.sort()).toEqual([
      'DescribeEncryptionKey',
      'LocateArtifactsBucket',
      'UseEncryptionKey',
      'WriteBuildLogs',
    ]);
    const write = blocksOf(document, 'statement').find((statement) => statement.sid === 'WriteBuildLogs');
    expect(write?.resources).toEqual([`${expr('aws_cloudwatch_log_group.build[each.key].arn')}:*`]);
    // No statement reaches every object of the artifacts bucket.
    expect(JSON.stringify(document)).not.toContain(`${expr('aws_s3_bucket.artifacts.arn')}/*`);
    // Artifact access is generated per stage from its inputs and outputs; every other generated
    // statement exists only for plan and apply.
    const generators = blocksOf(document.dynamic as Body, 'statement');
    const artifactGenerators = generators.filter((generator) =>
      String((blocksOf(generator, 'content')[0] as Body).sid).includes('Artifact'),
    );
    expect(artifactGenerators.map((generator) => generator.for_each)).toEqual([
      expr(
        '{ for artifact in local.artifacts_read[each.key] : artifact => local.artifact_folders[artifact] }',
      ),
      expr(
        '{ for artifact in local.artifacts_written[each.key] : artifact => local.artifact_folders[artifact] }',
      ),
    ]);
    expect(artifactGenerators.map((generator) => blocksOf(generator, 'content')[0])).toEqual([
      {
        sid: `Read${expr('title(statement.key)')}Artifact`,
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [`${expr('statement.value')}/*`],
      },
      {
        sid: `Write${expr('title(statement.key)')}Artifact`,
        actions: ['s3:PutObject'],
        resources: [`${expr('statement.value')}/*`],
      },
    ]);
    const others = generators.filter((generator) => !artifactGenerators.includes(generator));
    expect(others.length).toBe(4);
    for (const generator of others) expect(String(generator.for_each)).toMatch(/each\.key (==|!=) "test"/);

    expect(pipeline.resources.get('aws_iam_role_policy_attachment')?.has('plan_read_only')).toBe(false);
    expect(
      JSON.stringify([...(pipeline.resources.get('aws_iam_role_policy_attachment') ?? [])]),
    ).not.toContain('ReadOnlyAccess');
    const refresh = resource(pipeline, 'aws_iam_role_policy', 'plan_refresh');
    expect(refresh.role).toBe(expr('aws_iam_role.build["plan"].id'));
    const statements = policyStatements(dataSource(pipeline, 'aws_iam_policy_document', 'plan_refresh'));
    const actions = statements.flatMap((statement) => stringList(statement.actions));
    // Control-plane reads only: no data reads.
    for (const forbidden of [
      's3:GetObject',
      'dynamodb:GetItem',
      'dynamodb:Scan',
      'dynamodb:Query',
      'logs:GetLogEvents',
      'secretsmanager:GetSecretValue',
      'sqs:ReceiveMessage',
      'dynamodb:GetRecords',
      '*',
    ]) {
      expect(actions, forbidden).not.toContain(forbidden);
    }
    // The write side's resources refresh too: the stream's event source mapping and its failure queue.
    for (const needed of ['lambda:GetEventSourceMapping', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags']) {
      expect(actions, needed).toContain(needed);
    }
    expect(actions.filter((action) => action.endsWith(':*'))).toEqual([]);
    const regional = statements.find((statement) => statement.sid === 'RefreshStackResources');
    expect(blocksOf(regional as Body, 'condition')).toEqual([
      { test: 'StringEquals', variable: 'aws:RequestedRegion', values: [expr('local.region')] },
    ]);
  });
});
