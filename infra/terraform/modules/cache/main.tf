# Authentication: the functions log in as one of two users that take turns (Secrets Manager's
# "alternating users" rotation). The Secrets Manager secret is the single source of their credentials:
# Terraform writes it, reads the version it wrote back, and gives the active user the token it read, so
# secret and user cannot disagree, even when the user is replaced. Tokens never appear in code, plan or
# state: ephemeral values reach AWS only through write-only arguments. A user takes one write-only
# password (provider 6.62: `passwords_wo` is one string), so the two valid credentials of a rotation are
# two users, each with its own password. README.md ("Deploy to AWS") has the runbook; docs/architecture.md
# says why. The same mechanism works for a replication group and for Serverless (no AUTH-token option).

locals {
  serverless = var.deployment == "serverless"
  # The parameter group family follows the engine: valkey7 or redis7.
  parameter_family = "${var.engine}7"
  # Valkey's 7.x on ElastiCache is 7.2; Redis OSS's 7.x line ends at 7.1.
  engine_version = coalesce(var.engine_version, var.engine == "valkey" ? "7.2" : "7.1")
  # The functions' users: on, only keys under the app's prefix, only the commands in allowed_commands.
  access_string = join(" ", concat(["on", "~${var.key_prefix}:*", "-@all"], var.allowed_commands))
  # The same rules, switched off: the previous user once a rotation is settled (nobody can log in as it).
  disabled_access_string = join(" ", concat(["off", "~${var.key_prefix}:*", "-@all"], var.allowed_commands))

  # Odd versions make user "a" active, even ones "b".
  app_user_names = { a = "${var.name}-a", b = "${var.name}-b" }
  active_user    = var.auth_token_version % 2 == 1 ? "a" : "b"
  # How often each user has been made active so far: its password is sent again exactly when this grows.
  app_user_generation = {
    a = floor((var.auth_token_version + 1) / 2)
    b = floor(var.auth_token_version / 2) + 1
  }
  # While a rotation is not settled, the previous user keeps working: warm functions stay on it until
  # Redis refuses it (after the settle, at their next reconnect), then re-read the secret in that request.
  previous_user_enabled = var.auth_token_settled_version < var.auth_token_version
}

# Generated anew in every run, stored nowhere: the token of a new secret version (written only when
# auth_token_version changes). The active user gets it by reading the secret back, never from here.
ephemeral "random_password" "auth" {
  length = 64
  # ElastiCache passwords accept only a few special characters; letters and digits give ~380 bits anyway.
  special = false
}

# A second value, for passwords nobody is meant to know (an app user created inactive, the `default`
# user): never the token the same run writes to the secret. Sent only when such a user is created.
ephemeral "random_password" "unusable" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "auth" {
  name_prefix = "${var.name}-redis-auth-"
  description = "Credentials of the ${var.name} cache's active user, JSON with username and token (REDIS_AUTH_SECRET_ARN)."
  kms_key_id  = var.kms_key_arn

  tags = var.tags
}

# A new version, with a new token for the user whose turn it is, each time auth_token_version changes.
# The version is replaced (secret_string_wo_version forces it), so Secrets Manager labels the one before
# AWSPREVIOUS: the previous user's credentials, which the functions fall back to if the active ones are
# refused (src/adapters/redis/rotating-redis-cache-store.ts).
resource "aws_secretsmanager_secret_version" "auth" {
  secret_id = aws_secretsmanager_secret.auth.id
  secret_string_wo = jsonencode({
    username = local.app_user_names[local.active_user]
    token    = ephemeral.random_password.auth.result
  })
  secret_string_wo_version = var.auth_token_version
}

# The version written above, read back (during apply, after it is written): the only source of the
# active user's password.
ephemeral "aws_secretsmanager_secret_version" "auth" {
  secret_id  = aws_secretsmanager_secret.auth.id
  version_id = aws_secretsmanager_secret_version.auth.version_id
}

locals {
  written_token = jsondecode(ephemeral.aws_secretsmanager_secret_version.auth.secret_string).token
}

# The functions' two users. The active one gets the token read back from the secret whenever its
# generation grows (it became active) and whenever it is created (so a replaced user gets the secret's
# token, not a fresh one). The inactive one keeps its password: it is the previous credentials, valid
# until auth_token_settled_version catches up and switches it off. Created inactive, it gets a random
# password nobody knows (not the secret's token), and is off.
resource "aws_elasticache_user" "app" {
  for_each = local.app_user_names

  user_id              = each.value
  user_name            = each.value
  engine               = var.engine
  access_string        = each.key == local.active_user || local.previous_user_enabled ? local.access_string : local.disabled_access_string
  passwords_wo         = each.key == local.active_user ? local.written_token : ephemeral.random_password.unusable.result
  passwords_wo_version = local.app_user_generation[each.key]

  tags = var.tags
}

# A user group must hold a user named `default`, and AWS's built-in one has no password: this one
# replaces it (the ID must differ from the reserved "default"), switched off, with a password nobody
# knows. Connections that name no user (AUTH <token> alone) are refused.
resource "aws_elasticache_user" "default" {
  user_id              = "${var.name}-default"
  user_name            = "default"
  engine               = var.engine
  access_string        = "off -@all"
  passwords_wo         = ephemeral.random_password.unusable.result
  passwords_wo_version = 1

  tags = var.tags
}

resource "aws_elasticache_user_group" "this" {
  user_group_id = var.name
  engine        = var.engine
  user_ids      = concat([aws_elasticache_user.default.user_id], [for user in aws_elasticache_user.app : user.user_id])

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
