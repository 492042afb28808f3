data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id     = data.aws_caller_identity.current.account_id
  partition      = data.aws_partition.current.partition
  connection_arn = var.connection_arn != null ? var.connection_arn : aws_codestarconnections_connection.this[0].arn
  state_bucket   = "arn:${local.partition}:s3:::${var.state_bucket_name}"
  region         = data.aws_region.current.region
  stages         = toset(["test", "plan", "apply"])

  # CodePipeline keeps each artifact under <pipeline name, first 20 characters>/<artifact name, first
  # 10 characters>/ in the artifact store. Each project reads and writes only its own artifacts' folders,
  # so the Test stage (third-party npm code) can neither replace the source the Plan stage reads nor the
  # approved plan.
  artifact_folders = {
    for artifact in ["source", "build", "plan"] :
    artifact => "${aws_s3_bucket.artifacts.arn}/${substr(var.name, 0, 20)}/${substr(artifact, 0, 10)}"
  }
  artifacts_read = {
    test  = ["source"]
    plan  = ["source", "build"]
    apply = ["plan"]
  }
  artifacts_written = {
    test  = ["build"]
    plan  = ["plan"]
    apply = []
  }
  # Services through which each project may use the key: S3 for its artifacts; plan and apply also
  # read (and apply writes) the stack's Secrets Manager secrets, which are encrypted with it.
  key_services = {
    test  = ["s3.${local.region}.amazonaws.com"]
    plan  = ["s3.${local.region}.amazonaws.com", "secretsmanager.${local.region}.amazonaws.com"]
    apply = ["s3.${local.region}.amazonaws.com", "secretsmanager.${local.region}.amazonaws.com"]
  }
}

# Created PENDING: an administrator authorizes it once in the console (Developer Tools >
# Connections). No OAuth token is ever stored in Terraform.
resource "aws_codestarconnections_connection" "this" {
  count = var.connection_arn == null ? 1 : 0

  name          = var.name
  provider_type = var.connection_provider_type

  tags = var.tags
}

# ---------------------------------------------------------------- artifacts bucket

resource "aws_s3_bucket" "artifacts" {
  bucket_prefix = "${var.name}-artifacts-"
  # Artifacts are reproducible from the repository; keeping them must not block a teardown.
  force_destroy = true

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    id     = "expire-old-artifacts"
    status = "Enabled"

    filter {}

    expiration {
      days = 90
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.artifacts]
}

data "aws_iam_policy_document" "artifacts_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.artifacts.arn, "${aws_s3_bucket.artifacts.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  policy = data.aws_iam_policy_document.artifacts_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.artifacts]
}

# ---------------------------------------------------------------- CodeBuild

# Three projects, three roles. "test" runs the repository's own code and its npm dependencies, so it
# gets nothing but its logs, the artifacts and the key. "plan" runs only Terraform, with read access to
# refresh the stack. "apply" gets the deployment policy the team passes in.
resource "aws_cloudwatch_log_group" "build" {
  for_each = local.stages

  name              = "/aws/codebuild/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "assume_codebuild" {
  statement {
    sid     = "CodeBuildAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "build" {
  for_each = local.stages

  name               = "${var.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.assume_codebuild.json

  tags = var.tags
}

# What every project needs to run at all: its own logs, the artifacts, the key. Only plan and apply
# touch the Terraform state and its lock.
data "aws_iam_policy_document" "build" {
  for_each = local.stages

  statement {
    sid       = "WriteBuildLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.build[each.key].arn}:*"]
  }

  statement {
    sid       = "LocateArtifactsBucket"
    actions   = ["s3:GetBucketAcl", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.artifacts.arn]
  }

  # Encrypt and decrypt only through the services that hold data under the key, never directly.
  statement {
    sid       = "UseEncryptionKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = local.key_services[each.key]
    }
  }

  statement {
    sid       = "DescribeEncryptionKey"
    actions   = ["kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  # The input artifacts of this stage's action, read only.
  dynamic "statement" {
    for_each = { for artifact in local.artifacts_read[each.key] : artifact => local.artifact_folders[artifact] }

    content {
      sid       = "Read${title(statement.key)}Artifact"
      actions   = ["s3:GetObject", "s3:GetObjectVersion"]
      resources = ["${statement.value}/*"]
    }
  }

  # The output artifact of this stage's action, the only objects it may write.
  dynamic "statement" {
    for_each = { for artifact in local.artifacts_written[each.key] : artifact => local.artifact_folders[artifact] }

    content {
      sid       = "Write${title(statement.key)}Artifact"
      actions   = ["s3:PutObject"]
      resources = ["${statement.value}/*"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "test" ? [] : [local.state_bucket]

    content {
      sid       = "ListStateBucket"
      actions   = ["s3:ListBucket"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = each.key == "test" ? [] : ["${local.state_bucket}/${var.state_key}"]

    content {
      sid = "ReadWriteState"
      # The plan stage only reads the state; apply writes it.
      actions   = each.key == "apply" ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = each.key == "test" ? [] : ["${local.state_bucket}/${var.state_key}.tflock"]

    content {
      sid       = "StateLock"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = each.key != "test" && length(var.plan_secret_arns) > 0 ? [var.plan_secret_arns] : []

    content {
      sid       = "RefreshManagedSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "build" {
  for_each = local.stages

  name   = "pipeline-build"
  role   = aws_iam_role.build[each.key].id
  policy = data.aws_iam_policy_document.build[each.key].json
}

# terraform plan refreshes every resource of the stack. Instead of AWS's ReadOnlyAccess (which also
# reads data: every bucket's objects, every table's items, every log's events) the plan role gets the
# control-plane reads of the services this stack uses, in this region.
data "aws_iam_policy_document" "plan_refresh" {
  statement {
    sid = "RefreshStackResources"
    actions = [
      "apigateway:GET",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:GetDashboard",
      "cloudwatch:ListTagsForResource",
      "codebuild:BatchGetProjects",
      "codeconnections:GetConnection",
      "codeconnections:ListTagsForResource",
      "codepipeline:GetPipeline",
      "codepipeline:ListTagsForResource",
      "codestar-connections:GetConnection",
      "codestar-connections:ListTagsForResource",
      "dax:DescribeClusters",
      "dax:DescribeParameterGroups",
      "dax:DescribeParameters",
      "dax:DescribeSubnetGroups",
      "dax:ListTags",
      "dynamodb:DescribeContinuousBackups",
      "dynamodb:DescribeKinesisStreamingDestination",
      "dynamodb:DescribeTable",
      "dynamodb:DescribeTimeToLive",
      "dynamodb:GetResourcePolicy",
      "dynamodb:ListTagsOfResource",
      "ec2:Describe*",
      "elasticache:Describe*",
      "elasticache:ListTagsForResource",
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListAliases",
      "kms:ListResourceTags",
      "lambda:GetEventSourceMapping",
      "lambda:GetFunction",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:GetFunctionConcurrency",
      "lambda:GetFunctionConfiguration",
      "lambda:GetFunctionRecursionConfig",
      "lambda:GetPolicy",
      "lambda:GetRuntimeManagementConfig",
      "lambda:ListTags",
      "lambda:ListVersionsByFunction",
      "logs:DescribeLogGroups",
      "logs:ListTagsForResource",
      "logs:ListTagsLogGroup",
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetResourcePolicy",
      "sns:GetDataProtectionPolicy",
      "sns:GetSubscriptionAttributes",
      "sns:GetTopicAttributes",
      "sns:ListTagsForResource",
      "sqs:GetQueueAttributes",
      "sqs:ListQueueTags",
      "wafv2:GetWebACL",
      "wafv2:GetWebACLForResource",
      "wafv2:ListTagsForResource",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # IAM is global (no region condition): the stack's roles and their policies, in this account.
  statement {
    sid = "RefreshStackRoles"
    actions = [
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListRolePolicies",
    ]
    resources = [
      "arn:${local.partition}:iam::${local.account_id}:role/*",
      "arn:${local.partition}:iam::${local.account_id}:policy/*",
    ]
  }

  statement {
    sid       = "RefreshArtifactsBucket"
    actions   = ["s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [aws_s3_bucket.artifacts.arn]
  }
}

resource "aws_iam_role_policy" "plan_refresh" {
  name   = "refresh-stack"
  role   = aws_iam_role.build["plan"].id
  policy = data.aws_iam_policy_document.plan_refresh.json
}

# Extra managed policies for the plan role (e.g. for resources added to the stack before the list above
# learns their read actions); none by default.
resource "aws_iam_role_policy_attachment" "plan" {
  for_each = toset(var.plan_role_policy_arns)

  role       = aws_iam_role.build["plan"].name
  policy_arn = each.value
}

resource "aws_iam_role_policy_attachment" "apply" {
  for_each = toset(var.apply_role_policy_arns)

  role       = aws_iam_role.build["apply"].name
  policy_arn = each.value
}

locals {
  # Environment of each project: the test project needs only the Redis version to install.
  build_environment = {
    test = {
      REDIS_VERSION = var.redis_version
    }
    plan = {
      TF_VERSION       = var.terraform_version
      TF_DIR           = var.terraform_dir
      TF_STATE_BUCKET  = var.state_bucket_name
      TF_STATE_KEY     = var.state_key
      TF_IN_AUTOMATION = "true"
    }
    apply = {
      TF_VERSION       = var.terraform_version
      TF_DIR           = var.terraform_dir
      TF_STATE_BUCKET  = var.state_bucket_name
      TF_STATE_KEY     = var.state_key
      TF_IN_AUTOMATION = "true"
    }
  }
}

resource "aws_codebuild_project" "this" {
  for_each = local.stages

  name           = "${var.name}-${each.key}"
  description    = "Aside pipeline: ${each.key} stage"
  service_role   = aws_iam_role.build[each.key].arn
  encryption_key = var.kms_key_arn
  build_timeout  = 60

  source {
    type      = "CODEPIPELINE"
    buildspec = file("${path.module}/buildspec-${each.key}.yml")
  }

  artifacts {
    type = "CODEPIPELINE"
  }

  environment {
    compute_type = "BUILD_GENERAL1_MEDIUM"
    image        = "aws/codebuild/standard:7.0"
    type         = "LINUX_CONTAINER"

    dynamic "environment_variable" {
      for_each = local.build_environment[each.key]

      content {
        name  = environment_variable.key
        value = environment_variable.value
      }
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build[each.key].name
    }
  }

  tags = var.tags
}

# ---------------------------------------------------------------- CodePipeline

data "aws_iam_policy_document" "assume_pipeline" {
  statement {
    sid     = "CodePipelineAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codepipeline.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "pipeline" {
  name               = "${var.name}-pipeline"
  assume_role_policy = data.aws_iam_policy_document.assume_pipeline.json

  tags = var.tags
}

data "aws_iam_policy_document" "pipeline" {
  # Connections created since 2024 have codeconnections ARNs and are authorized with the
  # codeconnections prefix; older ones with codestar-connections. Both, on this connection only.
  statement {
    sid       = "UseSourceConnection"
    actions   = ["codestar-connections:UseConnection", "codeconnections:UseConnection"]
    resources = [local.connection_arn]
  }

  statement {
    sid       = "ReadWriteArtifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketVersioning"]
    resources = [aws_s3_bucket.artifacts.arn, "${aws_s3_bucket.artifacts.arn}/*"]
  }

  statement {
    sid       = "RunBuilds"
    actions   = ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
    resources = [for project in aws_codebuild_project.this : project.arn]
  }

  # The pipeline reads and writes artifacts through S3 (SSE-KMS); it never needs the key directly.
  statement {
    sid       = "UseEncryptionKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "DescribeEncryptionKey"
    actions   = ["kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  dynamic "statement" {
    for_each = var.approval_topic_arn == null ? [] : [var.approval_topic_arn]

    content {
      sid       = "NotifyApprovers"
      actions   = ["sns:Publish"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "pipeline" {
  name   = "pipeline"
  role   = aws_iam_role.pipeline.id
  policy = data.aws_iam_policy_document.pipeline.json
}

resource "aws_codepipeline" "this" {
  name          = var.name
  pipeline_type = "V2"
  role_arn      = aws_iam_role.pipeline.arn

  artifact_store {
    type     = "S3"
    location = aws_s3_bucket.artifacts.bucket

    encryption_key {
      type = "KMS"
      id   = var.kms_key_arn
    }
  }

  stage {
    name = "Source"

    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeStarSourceConnection"
      version          = "1"
      output_artifacts = ["source"]

      configuration = {
        ConnectionArn    = local.connection_arn
        FullRepositoryId = var.repository_id
        BranchName       = var.branch
      }
    }
  }

  # npm ci, lint, typecheck, build and npm test (.ci/run) with a role that can reach nothing else.
  stage {
    name = "Test"

    action {
      name             = "TestAndBuild"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["source"]
      output_artifacts = ["build"]

      configuration = {
        ProjectName = aws_codebuild_project.this["test"].name
      }
    }
  }

  # Terraform only: fmt, init, validate, plan against the tested build output.
  stage {
    name = "Plan"

    action {
      name             = "Plan"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["source", "build"]
      output_artifacts = ["plan"]

      configuration = {
        ProjectName   = aws_codebuild_project.this["plan"].name
        PrimarySource = "source"
      }
    }
  }

  stage {
    name = "Approve"

    action {
      name     = "ReviewPlan"
      category = "Approval"
      owner    = "AWS"
      provider = "Manual"
      version  = "1"

      configuration = merge(
        { CustomData = "Review plan.txt in the Plan stage's build log before approving." },
        var.approval_topic_arn == null ? {} : { NotificationArn = var.approval_topic_arn },
      )
    }
  }

  stage {
    name = "Apply"

    action {
      name            = "Apply"
      category        = "Build"
      owner           = "AWS"
      provider        = "CodeBuild"
      version         = "1"
      input_artifacts = ["plan"]

      configuration = {
        ProjectName = aws_codebuild_project.this["apply"].name
      }
    }
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.pipeline]
}
