# Authentication: a user group whose `default` user's password is a generated token. The token lives
# in Secrets Manager (the functions read it at cold start) and never appears in code, plan or state:
# an ephemeral password is handed to write-only arguments during apply. The same mechanism works for a
# replication group and for Serverless, which has no AUTH-token option.

locals {
  serverless = var.deployment == "serverless"
  # The parameter group family follows the engine: valkey7 or redis7.
  parameter_family = "${var.engine}7"
  # Valkey's 7.x on ElastiCache is 7.2; Redis OSS's 7.x line ends at 7.1.
  engine_version = coalesce(var.engine_version, var.engine == "valkey" ? "7.2" : "7.1")
  # The functions' user: on, only keys under the app's prefix, only the commands in allowed_commands.
  access_string = join(" ", concat(["on", "~${var.key_prefix}:*", "-@all"], var.allowed_commands))
}

# Generated anew in every run, stored nowhere: it reaches AWS only through the write-only arguments
# below, which send it when auth_token_version changes (on create, and to rotate).
ephemeral "random_password" "auth" {
  length = 64
  # ElastiCache passwords accept only a few special characters; letters and digits give ~380 bits anyway.
  special = false
}

resource "aws_secretsmanager_secret" "auth" {
  name_prefix = "${var.name}-redis-auth-"
  description = "AUTH token of the ${var.name} cache (the password of its default user)."
  kms_key_id  = var.kms_key_arn

  tags = var.tags
}

# The secret string is the bare token, as REDIS_AUTH_SECRET_ARN expects.
resource "aws_secretsmanager_secret_version" "auth" {
  secret_id                = aws_secretsmanager_secret.auth.id
  secret_string_wo         = ephemeral.random_password.auth.result
  secret_string_wo_version = var.auth_token_version
}

# AWS's built-in `default` user has no password; a user group must hold a user named `default`, so
# this one replaces it (the ID must differ from the reserved "default"). Its password is the same
# ephemeral token as the secret's, written in the same apply.
resource "aws_elasticache_user" "default" {
  user_id              = "${var.name}-default"
  user_name            = "default"
  engine               = var.engine
  access_string        = local.access_string
  passwords_wo         = ephemeral.random_password.auth.result
  passwords_wo_version = var.auth_token_version

  tags = var.tags
}

resource "aws_elasticache_user_group" "this" {
  user_group_id = var.name
  engine        = var.engine
  user_ids      = [aws_elasticache_user.default.user_id]

  tags = var.tags
}

resource "aws_elasticache_subnet_group" "this" {
  count = local.serverless ? 0 : 1

  name       = var.name
  subnet_ids = var.subnet_ids

  tags = var.tags
}

resource "aws_elasticache_parameter_group" "this" {
  count = local.serverless ? 0 : 1

  name   = "${var.name}-${local.parameter_family}"
  family = local.parameter_family

  parameter {
    name  = "maxmemory-policy"
    value = var.maxmemory_policy
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "slow_log" {
  count = local.serverless ? 0 : 1

  name              = "/aws/elasticache/${var.name}/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_elasticache_replication_group" "this" {
  count = local.serverless ? 0 : 1

  replication_group_id = var.name
  description          = "Aside cache (cache-aside in front of DynamoDB)"
  engine               = var.engine
  engine_version       = local.engine_version
  node_type            = var.node_type
  port                 = var.port
  num_cache_clusters   = var.num_cache_clusters
  parameter_group_name = aws_elasticache_parameter_group.this[0].name
  subnet_group_name    = aws_elasticache_subnet_group.this[0].name
  security_group_ids   = var.security_group_ids

  automatic_failover_enabled = true
  multi_az_enabled           = true

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  user_group_ids             = [aws_elasticache_user_group.this.user_group_id]

  snapshot_retention_limit   = var.snapshot_retention_limit
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow_log[0].name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  tags = var.tags
}

resource "aws_elasticache_serverless_cache" "this" {
  count = local.serverless ? 1 : 0

  name                 = var.name
  description          = "Aside cache (cache-aside in front of DynamoDB)"
  engine               = var.engine
  major_engine_version = "7"
  kms_key_id           = var.kms_key_arn
  subnet_ids           = var.subnet_ids
  security_group_ids   = var.security_group_ids
  user_group_id        = aws_elasticache_user_group.this.user_group_id

  snapshot_retention_limit = var.snapshot_retention_limit

  cache_usage_limits {
    data_storage {
      maximum = var.serverless_max_data_storage_gb
      unit    = "GB"
    }
    ecpu_per_second {
      maximum = var.serverless_max_ecpu_per_second
    }
  }

  tags = var.tags
}
