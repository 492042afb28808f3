data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id     = data.aws_caller_identity.current.account_id
  partition      = data.aws_partition.current.partition
  connection_arn = var.connection_arn != null ? var.connection_arn : aws_codestarconnections_connection.this[0].arn
  state_bucket   = "arn:${local.partition}:s3:::${var.state_bucket_name}"
  stages         = toset(["plan", "apply"])
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

resource "aws_cloudwatch_log_group" "build" {
  name              = "/aws/codebuild/${var.name}"
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

# What both stages need to run at all: their logs, the artifacts, the state and its lock, the key.
data "aws_iam_policy_document" "build" {
  for_each = local.stages

  statement {
    sid       = "WriteBuildLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.build.arn}:*"]
  }

  statement {
    sid       = "ReadWriteArtifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    resources = ["${aws_s3_bucket.artifacts.arn}/*"]
  }

  statement {
    sid       = "LocateArtifactsBucket"
    actions   = ["s3:GetBucketAcl", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.artifacts.arn]
  }

  statement {
    sid       = "ListStateBucket"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket]
  }

  statement {
    sid = "ReadWriteState"
    # The plan stage only reads the state; both stages take the lock file (use_lockfile).
    actions   = each.key == "apply" ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"]
    resources = ["${local.state_bucket}/${var.state_key}"]
  }

  statement {
    sid       = "StateLock"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_bucket}/${var.state_key}.tflock"]
  }

  statement {
    sid       = "UseEncryptionKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  dynamic "statement" {
    for_each = length(var.plan_secret_arns) > 0 ? [var.plan_secret_arns] : []

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

# terraform plan refreshes every resource type of the stack (EC2, ElastiCache, Lambda, IAM, ...):
# AWS's read-only policy is the maintained list of those read actions.
resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.build["plan"].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy_attachment" "apply" {
  for_each = toset(var.apply_role_policy_arns)

  role       = aws_iam_role.build["apply"].name
  policy_arn = each.value
}

resource "aws_codebuild_project" "this" {
  for_each = local.stages

  name           = "${var.name}-${each.key}"
  description    = "Aside pipeline: terraform ${each.key}"
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

    environment_variable {
      name  = "TF_VERSION"
      value = var.terraform_version
    }

    environment_variable {
      name  = "TF_DIR"
      value = var.terraform_dir
    }

    environment_variable {
      name  = "TF_STATE_BUCKET"
      value = var.state_bucket_name
    }

    environment_variable {
      name  = "TF_STATE_KEY"
      value = var.state_key
    }

    environment_variable {
      name  = "TF_IN_AUTOMATION"
      value = "true"
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
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
  statement {
    sid       = "UseSourceConnection"
    actions   = ["codestar-connections:UseConnection"]
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

  statement {
    sid       = "UseEncryptionKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
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

  stage {
    name = "Plan"

    action {
      name             = "TestBuildPlan"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["source"]
      output_artifacts = ["plan"]

      configuration = {
        ProjectName = aws_codebuild_project.this["plan"].name
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
