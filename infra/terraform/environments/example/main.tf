# The default zones take the region's first two Availability Zones: never an opted-in Local Zone or
# Wavelength Zone, which lack services the stack uses (ElastiCache Multi-AZ, interface endpoints).
data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }

  filter {
    name   = "zone-type"
    values = ["availability-zone"]
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id         = data.aws_caller_identity.current.account_id
  partition          = data.aws_partition.current.partition
  availability_zones = var.availability_zones != null ? var.availability_zones : slice(data.aws_availability_zones.available.names, 0, 2)

  # Mirror of src/http/routes.ts (test/infra/routes.test.ts keeps the two equal). `function` is a
  # key of the functions map passed to the API module.
  # Writes and /health require SigV4-signed callers allowed execute-api:Invoke (product_write_invoke_arns,
  # health_invoke_arn).
  routes = [
    { method = "GET", path = "/product/{productId}", function = "api", authorization = "NONE" },
    { method = "GET", path = "/products", function = "api", authorization = "NONE" },
    { method = "PUT", path = "/product/{productId}", function = "writer", authorization = "AWS_IAM" },
    { method = "DELETE", path = "/product/{productId}", function = "writer", authorization = "AWS_IAM" },
    { method = "GET", path = "/health", function = "api", authorization = "AWS_IAM" },
  ]
}

# ---------------------------------------------------------------- encryption key

# One customer managed key for the stack's secrets, cache, logs, alarm topic, stream failure queue and
# pipeline artifacts.
resource "aws_kms_key" "this" {
  description         = "${var.name}: Redis token, cache at rest, logs, alarm topic, stream failure queue, pipeline artifacts"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

data "aws_iam_policy_document" "kms" {
  # The account's default key-policy statement: IAM policies decide who uses the key. Without it no
  # IAM principal (not even an administrator) could manage the key.
  statement {
    sid       = "AccountManagesKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncryptsLogGroups"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:*"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# ---------------------------------------------------------------- data, network, cache

module "table" {
  source = "../../modules/table"

  name                = var.table_name
  deletion_protection = var.table_deletion_protection
}

module "network" {
  source = "../../modules/network"

  name               = var.name
  vpc_cidr           = var.vpc_cidr
  availability_zones = local.availability_zones
  redis_ports        = module.cache.ports
  dax_port           = var.dax_enabled ? module.dax[0].port : null
  # The endpoints' policies let through only the stack's table and the Redis token's secret.
  dynamodb_table_arns = [module.table.arn]
  secret_arns         = [module.cache.auth_secret_arn]
  kms_key_arn         = aws_kms_key.this.arn
  log_retention_days  = var.log_retention_days
}

module "cache" {
  source = "../../modules/cache"

  name                       = var.name
  deployment                 = var.cache_deployment
  engine                     = var.cache_engine
  engine_version             = var.cache_engine_version
  node_type                  = var.cache_node_type
  num_cache_clusters         = var.cache_nodes
  maxmemory_policy           = var.cache_maxmemory_policy
  key_prefix                 = var.cache_key_prefix
  auth_token_version         = var.cache_auth_token_version
  auth_token_settled_version = var.cache_auth_token_settled_version
  subnet_ids                 = module.network.private_subnet_ids
  security_group_ids         = [module.network.redis_security_group_id]
  kms_key_arn                = aws_kms_key.this.arn
  log_retention_days         = var.log_retention_days
}

module "dax" {
  source = "../../modules/dax"
  count  = var.dax_enabled ? 1 : 0

  name               = var.name
  node_type          = var.dax_node_type
  item_ttl_seconds   = var.cache_ttl_seconds
  table_arn          = module.table.arn
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.network.dax_security_group_id]
}

# ---------------------------------------------------------------- functions

# The read API may read items and the Redis token, and describe the table for GET /health, nothing else.
data "aws_iam_policy_document" "api_function" {
  statement {
    sid       = "ReadProducts"
    actions   = ["dynamodb:GetItem", "dynamodb:BatchGetItem"]
    resources = [module.table.arn]
  }

  # GET /health checks DynamoDB with DescribeTable: it reads no item and costs no read units.
  statement {
    sid       = "DescribeProductsTable"
    actions   = ["dynamodb:DescribeTable"]
    resources = [module.table.arn]
  }

  statement {
    sid       = "ReadRedisAuthToken"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.cache.auth_secret_arn]
  }

  statement {
    sid       = "DecryptRedisAuthToken"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.aws_region}.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = var.dax_enabled ? [module.dax[0].cluster_arn] : []

    content {
      sid       = "ReadProductsThroughDax"
      actions   = ["dax:GetItem", "dax:BatchGetItem"]
      resources = [statement.value]
    }
  }
}

module "api_function" {
  source = "../../modules/function"

  name        = "${var.name}-api"
  description = "Aside read API: GET /product/{productId} and GET /products?ids= through the cache, and GET /health"
  source_dir  = "${var.build_dir}/functions/api"
  handler     = "index.handler"
  memory_size = var.api_memory_mb
  # Well under API Gateway's 29 s: Redis and DynamoDB calls carry their own short timeouts.
  timeout_seconds                = 10
  reserved_concurrent_executions = var.api_reserved_concurrency
  policy_json                    = data.aws_iam_policy_document.api_function.json
  subnet_ids                     = module.network.private_subnet_ids
  security_group_ids             = [module.network.lambda_security_group_id]
  log_retention_days             = var.log_retention_days
  kms_key_arn                    = aws_kms_key.this.arn

  # The second map is the cache policy (src/core/cache-policy.ts). CACHE_LEASE_TTL_MS is left to the
  # app, which makes it twice DYNAMODB_TIMEOUT_MS so a lease outlives any load.
  environment = merge(
    {
      TABLE_NAME            = module.table.name
      REDIS_URL             = module.cache.redis_url
      REDIS_MODE            = module.cache.redis_mode
      REDIS_AUTH_SECRET_ARN = module.cache.auth_secret_arn
      CACHE_KEY_PREFIX      = var.cache_key_prefix
      METRICS_NAMESPACE     = var.metrics_namespace
      SERVICE_NAME          = var.service_name
      LOG_LEVEL             = var.log_level
    },
    {
      CACHE_TTL_SECONDS           = tostring(var.cache_ttl_seconds)
      CACHE_TTL_JITTER_PERCENT    = tostring(var.cache_ttl_jitter_percent)
      CACHE_GRACE_SECONDS         = tostring(var.cache_grace_seconds)
      CACHE_NEGATIVE_TTL_SECONDS  = tostring(var.cache_negative_ttl_seconds)
      CACHE_LEASE_WAIT_MS         = tostring(var.cache_lease_wait_ms)
      CACHE_EARLY_REFRESH_BETA    = tostring(var.cache_early_refresh_beta)
      CACHE_SOURCE_FAILURE_TTL_MS = tostring(var.cache_source_failure_ttl_ms)
    },
    var.dax_enabled ? { DAX_ENDPOINT = module.dax[0].endpoint_url } : {},
  )
}

# The writer serves PUT and DELETE: it reads an item's current version (consistently) and puts the new
# item, or a DELETE's tombstone, under a condition. No DeleteItem (tombstones expire by TTL), Query, Scan,
# UpdateItem or batch writes, no stream access.
data "aws_iam_policy_document" "writer_function" {
  statement {
    sid       = "WriteProducts"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [module.table.arn]
  }

  statement {
    sid       = "ReadRedisAuthToken"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.cache.auth_secret_arn]
  }

  statement {
    sid       = "DecryptRedisAuthToken"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.aws_region}.amazonaws.com"]
    }
  }
}

# Writes go straight to DynamoDB, not through DAX: the writer gets no DAX_ENDPOINT and no dax:*
# actions (see the README's DAX section for what that means for DAX's own item cache).
module "writer_function" {
  source = "../../modules/function"

  name        = "${var.name}-writer"
  description = "Aside writes: PUT and DELETE /product/{productId}, then the cache (write-through or invalidate)"
  source_dir  = "${var.build_dir}/functions/writer"
  handler     = "index.handler"
  memory_size = var.writer_memory_mb
  # Under API Gateway's 29 s, like the read API.
  timeout_seconds                = 10
  reserved_concurrent_executions = var.writer_reserved_concurrency
  policy_json                    = data.aws_iam_policy_document.writer_function.json
  subnet_ids                     = module.network.private_subnet_ids
  security_group_ids             = [module.network.lambda_security_group_id]
  log_retention_days             = var.log_retention_days
  kms_key_arn                    = aws_kms_key.this.arn

  # The same cache policy as the readers (the entries it writes live as theirs do), and the write side.
  environment = merge(
    {
      TABLE_NAME            = module.table.name
      REDIS_URL             = module.cache.redis_url
      REDIS_MODE            = module.cache.redis_mode
      REDIS_AUTH_SECRET_ARN = module.cache.auth_secret_arn
      CACHE_KEY_PREFIX      = var.cache_key_prefix
      METRICS_NAMESPACE     = var.metrics_namespace
      SERVICE_NAME          = var.service_name
      LOG_LEVEL             = var.log_level
    },
    {
      CACHE_TTL_SECONDS           = tostring(var.cache_ttl_seconds)
      CACHE_TTL_JITTER_PERCENT    = tostring(var.cache_ttl_jitter_percent)
      CACHE_GRACE_SECONDS         = tostring(var.cache_grace_seconds)
      CACHE_NEGATIVE_TTL_SECONDS  = tostring(var.cache_negative_ttl_seconds)
      CACHE_LEASE_WAIT_MS         = tostring(var.cache_lease_wait_ms)
      CACHE_EARLY_REFRESH_BETA    = tostring(var.cache_early_refresh_beta)
      CACHE_SOURCE_FAILURE_TTL_MS = tostring(var.cache_source_failure_ttl_ms)
    },
    {
      CACHE_WRITE_MODE   = var.cache_write_mode
      CACHE_FENCE_TTL_MS = tostring(var.cache_fence_ttl_ms)
    },
  )
}

# The stream function applies the table's stream records to the cache. It reads the stream (Lambda's
# poller does, with this role), sends records of failed batches to the failure queue, and reads no
# item: the images arrive in the records. The table is encrypted with the AWS managed key, so reading
# its stream needs no KMS permission; give kms:Decrypt on the table's key here if you pass one.
data "aws_iam_policy_document" "stream_function" {
  statement {
    sid       = "ReadTableStream"
    actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
    resources = [module.table.stream_arn]
  }

  statement {
    sid       = "ListTableStreams"
    actions   = ["dynamodb:ListStreams"]
    resources = ["*"]
  }

  statement {
    sid       = "SendFailedBatchRecords"
    actions   = ["sqs:SendMessage"]
    resources = [module.stream.failure_queue_arn]
  }

  statement {
    sid       = "EncryptFailedBatchRecords"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.this.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${var.aws_region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadRedisAuthToken"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.cache.auth_secret_arn]
  }

  statement {
    sid       = "DecryptRedisAuthToken"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.aws_region}.amazonaws.com"]
    }
  }
}

module "stream_function" {
  source = "../../modules/function"

  name        = "${var.name}-stream"
  description = "Aside stream: applies the table's changes (any writer's) to the cache, in order per item"
  source_dir  = "${var.build_dir}/functions/stream"
  handler     = "index.handler"
  memory_size = var.stream_memory_mb
  # A whole batch must fit: one Redis script per record, each bounded by REDIS_COMMAND_TIMEOUT_MS.
  timeout_seconds    = 60
  policy_json        = data.aws_iam_policy_document.stream_function.json
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.network.lambda_security_group_id]
  log_retention_days = var.log_retention_days
  kms_key_arn        = aws_kms_key.this.arn

  environment = merge(
    {
      TABLE_NAME            = module.table.name
      REDIS_URL             = module.cache.redis_url
      REDIS_MODE            = module.cache.redis_mode
      REDIS_AUTH_SECRET_ARN = module.cache.auth_secret_arn
      CACHE_KEY_PREFIX      = var.cache_key_prefix
      METRICS_NAMESPACE     = var.metrics_namespace
      SERVICE_NAME          = var.service_name
      LOG_LEVEL             = var.log_level
    },
    {
      CACHE_TTL_SECONDS           = tostring(var.cache_ttl_seconds)
      CACHE_TTL_JITTER_PERCENT    = tostring(var.cache_ttl_jitter_percent)
      CACHE_GRACE_SECONDS         = tostring(var.cache_grace_seconds)
      CACHE_NEGATIVE_TTL_SECONDS  = tostring(var.cache_negative_ttl_seconds)
      CACHE_LEASE_WAIT_MS         = tostring(var.cache_lease_wait_ms)
      CACHE_EARLY_REFRESH_BETA    = tostring(var.cache_early_refresh_beta)
      CACHE_SOURCE_FAILURE_TTL_MS = tostring(var.cache_source_failure_ttl_ms)
    },
    {
      CACHE_WRITE_MODE   = var.cache_write_mode
      CACHE_FENCE_TTL_MS = tostring(var.cache_fence_ttl_ms)
    },
  )
}

# The table's stream → the stream function, with bounded retries and an encrypted failure queue.
module "stream" {
  source = "../../modules/stream"

  name                       = var.name
  stream_arn                 = module.table.stream_arn
  function_name              = module.stream_function.function_name
  batch_size                 = var.stream_batch_size
  parallelization_factor     = var.stream_parallelization_factor
  maximum_retry_attempts     = var.stream_maximum_retry_attempts
  maximum_record_age_seconds = var.stream_maximum_record_age_seconds
  kms_key_arn                = aws_kms_key.this.arn
}

# ---------------------------------------------------------------- API

module "api" {
  source = "../../modules/api"

  name       = var.name
  stage_name = var.api_stage_name
  routes     = local.routes
  functions = {
    api = {
      function_name = module.api_function.function_name
      invoke_arn    = module.api_function.invoke_arn
    }
    writer = {
      function_name = module.writer_function.function_name
      invoke_arn    = module.writer_function.invoke_arn
    }
  }
  throttling_rate_limit       = var.api_throttling_rate_limit
  throttling_burst_limit      = var.api_throttling_burst_limit
  manage_account_logging_role = var.manage_api_gateway_account
  waf_enabled                 = var.waf_enabled
  log_retention_days          = var.log_retention_days
  kms_key_arn                 = aws_kms_key.this.arn
}

# ---------------------------------------------------------------- observability

module "observability" {
  source = "../../modules/observability"

  name              = var.name
  metrics_namespace = var.metrics_namespace
  service_name      = var.service_name
  function_names    = [module.api_function.function_name, module.writer_function.function_name, module.stream_function.function_name]
  # The stream consumer: its iterator age, and the queue of the batches it gave up on.
  stream_function_names = [module.stream_function.function_name]
  failure_queue_names   = [module.stream.failure_queue_name]
  api_name              = module.api.api_name
  api_stage             = module.api.stage_name
  cache_node_ids        = module.cache.node_ids
  serverless_cache_name = module.cache.serverless_cache_name
  # Serverless limits, so the ECPU and storage alarms fire before the cache throttles or evicts.
  serverless_max_ecpu_per_second = module.cache.serverless_max_ecpu_per_second
  serverless_max_data_storage_gb = module.cache.serverless_max_data_storage_gb
  alarm_email                    = var.alarm_email
  kms_key_arn                    = aws_kms_key.this.arn
}

# ---------------------------------------------------------------- pipeline

module "pipeline" {
  source = "../../modules/pipeline"
  count  = var.pipeline_repository_id == null ? 0 : 1

  name                   = "${var.name}-deploy"
  repository_id          = var.pipeline_repository_id
  branch                 = var.pipeline_branch
  connection_arn         = var.pipeline_connection_arn
  state_bucket_name      = var.pipeline_state_bucket
  state_key              = var.pipeline_state_key
  plan_secret_arns       = [module.cache.auth_secret_arn]
  apply_role_policy_arns = var.pipeline_apply_policy_arns
  approval_topic_arn     = module.observability.alarm_topic_arn
  kms_key_arn            = aws_kms_key.this.arn
  log_retention_days     = var.log_retention_days
}
