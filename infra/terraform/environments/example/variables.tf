variable "aws_region" {
  description = "AWS region of the whole stack."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as us-east-1."
  }
}

variable "availability_zones" {
  description = "Availability zones of the private subnets (at least two); null takes the region's first two."
  type        = list(string)
  default     = null

  validation {
    condition     = var.availability_zones == null ? true : length(var.availability_zones) >= 2
    error_message = "Give at least two availability zones, or null."
  }
}

variable "name" {
  description = "Name of this deployment; prefixes every resource."
  type        = string
  default     = "aside"

  validation {
    # ElastiCache and DAX reject a trailing dash and two dashes in a row.
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name)) && length(var.name) >= 2 && length(var.name) <= 15
    error_message = "name must be 2-15 lowercase letters, digits or single dashes, starting with a letter and not ending with a dash."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "build_dir" {
  description = "Output folder of `npm run build` (holds functions/<name>/index.mjs), relative to this folder."
  type        = string
  default     = "../../../../dist"
}

variable "table_name" {
  description = "Name of the DynamoDB table."
  type        = string
  default     = "Products"
}

variable "table_deletion_protection" {
  description = "Protect the table from deletion. Set false (and apply) before `terraform destroy`."
  type        = bool
  default     = true
}

variable "cache_deployment" {
  description = "replication_group (provisioned nodes, Multi-AZ failover) or serverless (ElastiCache Serverless)."
  type        = string
  default     = "replication_group"

  validation {
    condition     = contains(["replication_group", "serverless"], var.cache_deployment)
    error_message = "cache_deployment must be replication_group or serverless."
  }
}

variable "cache_engine" {
  description = "valkey or redis (Redis OSS)."
  type        = string
  default     = "valkey"

  validation {
    condition     = contains(["valkey", "redis"], var.cache_engine)
    error_message = "cache_engine must be valkey or redis."
  }
}

variable "cache_engine_version" {
  description = "Pinned 7.x engine version of the replication group: 7.2 for valkey, 7.0 or 7.1 for redis; null takes the engine's latest 7.x."
  type        = string
  default     = null
}

variable "cache_auth_token_version" {
  description = "Version of the Redis credentials; increment it to rotate (README.md, Deploy to AWS): the other app user gets a new token, the previous one keeps working until cache_auth_token_settled_version catches up."
  type        = number
  default     = 1
}

variable "cache_auth_token_settled_version" {
  description = "The cache_auth_token_version whose rotation is complete; set it equal to cache_auth_token_version in a later apply to switch the previous Redis user off."
  type        = number
  default     = 1
}

variable "cache_node_type" {
  description = "Node type of the replication group."
  type        = string
  default     = "cache.t4g.small"
}

variable "cache_nodes" {
  description = "Nodes of the replication group (at least two: primary and replica in different zones)."
  type        = number
  default     = 2
}

variable "cache_maxmemory_policy" {
  description = "Redis maxmemory-policy of the replication group; allkeys-lru for a cache dedicated to Aside (modules/cache says why)."
  type        = string
  default     = "allkeys-lru"
}

variable "cache_key_prefix" {
  description = "CACHE_KEY_PREFIX: prefix of every key Aside writes."
  type        = string
  default     = "aside"

  validation {
    condition     = can(regex("^[a-z0-9-]{1,32}$", var.cache_key_prefix))
    error_message = "cache_key_prefix must be 1-32 lowercase letters, digits or dashes."
  }
}

# The cache policy. Defaults and ranges are the app's (src/config/config.ts, src/core/cache-policy.ts);
# test/infra/functions.test.ts checks that each validation accepts exactly what the app accepts.

variable "cache_ttl_seconds" {
  description = "CACHE_TTL_SECONDS: how long a cached item is fresh (its soft TTL); also the DAX item TTL."
  type        = number
  default     = 300

  validation {
    condition     = var.cache_ttl_seconds >= 1 && var.cache_ttl_seconds <= 31536000 && floor(var.cache_ttl_seconds) == var.cache_ttl_seconds
    error_message = "cache_ttl_seconds must be a whole number from 1 to 31536000 (365 days)."
  }
}

variable "cache_ttl_jitter_percent" {
  description = "CACHE_TTL_JITTER_PERCENT: every TTL is spread by up to this many percent either way, so items cached together do not expire together."
  type        = number
  default     = 10

  validation {
    condition     = var.cache_ttl_jitter_percent >= 0 && var.cache_ttl_jitter_percent <= 50
    error_message = "cache_ttl_jitter_percent must be between 0 and 50."
  }
}

variable "cache_grace_seconds" {
  description = "CACHE_GRACE_SECONDS: how long past its TTL an item is kept, to be served stale at once while one caller refreshes it, or while DynamoDB fails. 0 turns stale serving off."
  type        = number
  default     = 3600

  validation {
    condition     = var.cache_grace_seconds >= 0 && var.cache_grace_seconds <= 604800
    error_message = "cache_grace_seconds must be between 0 and 604800 (7 days)."
  }
}

variable "cache_negative_ttl_seconds" {
  description = "CACHE_NEGATIVE_TTL_SECONDS: how long a \"not found\" is cached, so requests for absent ids do not all reach DynamoDB. Any write of the id replaces it."
  type        = number
  default     = 30

  validation {
    condition     = var.cache_negative_ttl_seconds >= 1 && var.cache_negative_ttl_seconds <= 86400 && floor(var.cache_negative_ttl_seconds) == var.cache_negative_ttl_seconds
    error_message = "cache_negative_ttl_seconds must be a whole number from 1 to 86400 (a day)."
  }
}

variable "cache_lease_wait_ms" {
  description = "CACHE_LEASE_WAIT_MS: how long a read of a missing item waits for the caller that holds its lease to fill it, before loading from DynamoDB itself (counted as LeaseWaitTimeouts). Keep it well under the function's 10 s timeout."
  type        = number
  default     = 400

  validation {
    condition     = var.cache_lease_wait_ms >= 0 && var.cache_lease_wait_ms <= 10000
    error_message = "cache_lease_wait_ms must be between 0 and 10000."
  }
}

variable "cache_early_refresh_beta" {
  description = "CACHE_EARLY_REFRESH_BETA: how eagerly hot items are refreshed before their TTL ends (XFetch beta); 0 turns early refresh off."
  type        = number
  default     = 1

  validation {
    condition     = var.cache_early_refresh_beta >= 0 && var.cache_early_refresh_beta <= 10
    error_message = "cache_early_refresh_beta must be between 0 and 10."
  }
}

variable "cache_source_failure_ttl_ms" {
  description = "CACHE_SOURCE_FAILURE_TTL_MS: how long a failed DynamoDB read with nothing stale to serve is remembered, so reads of that item in every function answer 503 at once instead of asking a throttled table again; 0 turns it off."
  type        = number
  default     = 1000

  validation {
    condition     = var.cache_source_failure_ttl_ms >= 0 && var.cache_source_failure_ttl_ms <= 60000 && floor(var.cache_source_failure_ttl_ms) == var.cache_source_failure_ttl_ms
    error_message = "cache_source_failure_ttl_ms must be a whole number from 0 to 60000 (a minute)."
  }
}

variable "cache_fence_ttl_ms" {
  description = "CACHE_FENCE_TTL_MS (writer and stream functions): how long a write's fence lasts. While it does, fills read the item with ConsistentRead and no older version can be stored; keep it well past a load's duration and DynamoDB's replication lag."
  type        = number
  default     = 10000

  validation {
    condition     = var.cache_fence_ttl_ms >= 1 && var.cache_fence_ttl_ms <= 3600000 && floor(var.cache_fence_ttl_ms) == var.cache_fence_ttl_ms
    error_message = "cache_fence_ttl_ms must be a whole number from 1 to 3600000 (an hour)."
  }
}

variable "cache_write_mode" {
  description = "CACHE_WRITE_MODE (writer and stream functions): write-through stores the new version in the cache; invalidate deletes the entry for the next read to fill. Both raise the fence."
  type        = string
  default     = "write-through"

  validation {
    condition     = contains(["write-through", "invalidate"], var.cache_write_mode)
    error_message = "cache_write_mode must be write-through or invalidate."
  }
}

variable "dax_enabled" {
  description = "Deploy a DAX cluster and point the functions' DynamoDB reads at it (DAX_ENDPOINT)."
  type        = bool
  default     = false
}

variable "dax_node_type" {
  description = "DAX node type."
  type        = string
  default     = "dax.t3.small"
}

variable "api_memory_mb" {
  description = "Memory of the read API function, in MB."
  type        = number
  default     = 512
}

variable "api_reserved_concurrency" {
  description = "Reserved (and maximum) concurrency of the read API function; -1 for none. New accounts may have too small a concurrency quota to reserve any."
  type        = number
  default     = -1
}

variable "writer_memory_mb" {
  description = "Memory of the writer function (PUT and DELETE), in MB."
  type        = number
  default     = 512
}

variable "writer_reserved_concurrency" {
  description = "Reserved (and maximum) concurrency of the writer function; -1 for none."
  type        = number
  default     = -1
}

variable "stream_memory_mb" {
  description = "Memory of the stream function, in MB."
  type        = number
  default     = 512
}

variable "stream_batch_size" {
  description = "Most stream records per invocation of the stream function."
  type        = number
  default     = 100
}

variable "stream_parallelization_factor" {
  description = "Batches processed at once per stream shard (1-10); modules/stream/main.tf explains the default 1."
  type        = number
  default     = 1
}

variable "stream_maximum_retry_attempts" {
  description = "Retries of a failing stream batch before its records go to the failure queue."
  type        = number
  default     = 10
}

variable "stream_maximum_record_age_seconds" {
  description = "Stream records older than this go to the failure queue instead of the function; keep it well above cache_ttl_seconds."
  type        = number
  default     = 3600
}

variable "api_stage_name" {
  description = "API Gateway stage name."
  type        = string
  default     = "v1"
}

variable "api_throttling_rate_limit" {
  description = "Steady-state requests per second every method of the API stage accepts before answering 429 (stage-wide */* method settings)."
  type        = number
  default     = 100

  validation {
    condition     = var.api_throttling_rate_limit > 0 && var.api_throttling_rate_limit <= 10000
    error_message = "api_throttling_rate_limit must be above 0 and at most 10000 (the account's default regional limit)."
  }
}

variable "api_throttling_burst_limit" {
  description = "Burst of requests the API stage accepts above the rate limit before answering 429."
  type        = number
  default     = 200

  validation {
    condition     = var.api_throttling_burst_limit >= 1 && var.api_throttling_burst_limit <= 5000 && floor(var.api_throttling_burst_limit) == var.api_throttling_burst_limit
    error_message = "api_throttling_burst_limit must be a whole number from 1 to 5000 (the account's default regional burst)."
  }
}

variable "manage_api_gateway_account" {
  description = "Set the account-wide API Gateway logging role of this region (false if another stack does)."
  type        = bool
  default     = true
}

variable "waf_enabled" {
  description = "Protect the API with AWS WAF (rate limit per IP and AWS managed rules)."
  type        = bool
  default     = false
}

variable "metrics_namespace" {
  description = "METRICS_NAMESPACE: CloudWatch namespace of the app's metrics."
  type        = string
  default     = "Aside"
}

variable "service_name" {
  description = "SERVICE_NAME: the `service` dimension of the app's metrics and logs."
  type        = string
  default     = "aside"
}

variable "log_level" {
  description = "LOG_LEVEL of the functions."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "SILENT", "CRITICAL"], var.log_level)
    error_message = "log_level must be TRACE, DEBUG, INFO, WARN, ERROR, SILENT or CRITICAL."
  }
}

variable "log_retention_days" {
  description = "Retention of every log group of the stack, in days."
  type        = number
  default     = 30
}

variable "alarm_email" {
  description = "E-mail address notified by the alarms (confirm the subscription mail); null for none."
  type        = string
  default     = null
}

variable "pipeline_repository_id" {
  description = "owner/name of the repository the pipeline deploys; null deploys no pipeline."
  type        = string
  default     = null
}

variable "pipeline_branch" {
  description = "Branch the pipeline deploys."
  type        = string
  default     = "main"
}

variable "pipeline_connection_arn" {
  description = "Existing CodeStar connection for the pipeline; null creates one (authorize it in the console)."
  type        = string
  default     = null
}

variable "pipeline_state_bucket" {
  description = "State bucket this stack was initialised with (the pipeline plans and applies with the same state)."
  type        = string
  default     = null

  validation {
    condition     = var.pipeline_repository_id == null || var.pipeline_state_bucket != null
    error_message = "pipeline_state_bucket is required when pipeline_repository_id is set."
  }
}

variable "pipeline_state_key" {
  description = "State key this stack was initialised with."
  type        = string
  default     = "aside/example.tfstate"
}

variable "pipeline_apply_policy_arns" {
  description = "Managed policies for the pipeline's apply role (it creates this whole stack, IAM roles included)."
  type        = list(string)
  default     = []

  validation {
    condition     = var.pipeline_repository_id == null || length(var.pipeline_apply_policy_arns) > 0
    error_message = "pipeline_apply_policy_arns is required when pipeline_repository_id is set."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
