variable "name" {
  description = "Name of the cache (replication group ID or serverless cache name) and prefix of its companions."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "deployment" {
  description = "\"replication_group\": provisioned nodes with automatic failover (cluster mode disabled, REDIS_MODE=standalone). \"serverless\": ElastiCache Serverless (always clustered, REDIS_MODE=cluster)."
  type        = string
  default     = "replication_group"

  validation {
    condition     = contains(["replication_group", "serverless"], var.deployment)
    error_message = "deployment must be \"replication_group\" or \"serverless\"."
  }
}

variable "engine" {
  description = "Cache engine: valkey or redis (Redis OSS)."
  type        = string
  default     = "valkey"

  validation {
    condition     = contains(["valkey", "redis"], var.engine)
    error_message = "engine must be \"valkey\" or \"redis\"."
  }
}

variable "engine_version" {
  description = "Pinned 7.x engine version of the replication group (e.g. 7.2 for Valkey, 7.1 for Redis OSS). Serverless uses its major version."
  type        = string
  default     = "7.2"

  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.engine_version))
    error_message = "engine_version must be a pinned 7.x version such as 7.2."
  }
}

variable "node_type" {
  description = "Node type of the replication group."
  type        = string
  default     = "cache.t4g.small"
}

variable "num_cache_clusters" {
  description = "Nodes in the replication group (one primary, the rest replicas). At least two for automatic failover and Multi-AZ."
  type        = number
  default     = 2

  validation {
    condition     = var.num_cache_clusters >= 2 && var.num_cache_clusters <= 6
    error_message = "num_cache_clusters must be between 2 and 6."
  }
}

variable "port" {
  description = "Port of the replication group. Serverless always uses 6379 (and 6380 for reads from replicas)."
  type        = number
  default     = 6379
}

variable "maxmemory_policy" {
  description = "Eviction policy when memory is full. Every key Aside writes has an expiry, so volatile-lru evicts only Aside's own entries and never fails writes."
  type        = string
  default     = "volatile-lru"

  validation {
    condition = contains([
      "volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu",
      "volatile-random", "allkeys-random", "volatile-ttl", "noeviction",
    ], var.maxmemory_policy)
    error_message = "maxmemory_policy must be one of the Redis eviction policies."
  }
}

variable "access_string" {
  description = "ACL rules of the user the functions authenticate as."
  type        = string
  default     = "on ~* +@all"
}

variable "snapshot_retention_limit" {
  description = "Days of automatic snapshots. 0 by default: the cache is rebuilt from DynamoDB, snapshots only cost money."
  type        = number
  default     = 0

  validation {
    condition     = var.snapshot_retention_limit >= 0 && var.snapshot_retention_limit <= 35
    error_message = "snapshot_retention_limit must be between 0 and 35."
  }
}

variable "serverless_max_data_storage_gb" {
  description = "Serverless only: upper bound on stored data, in GB (caps cost)."
  type        = number
  default     = 5
}

variable "serverless_max_ecpu_per_second" {
  description = "Serverless only: upper bound on ElastiCache Processing Units per second (caps cost)."
  type        = number
  default     = 5000
}

variable "subnet_ids" {
  description = "Private subnets (at least two zones) for the cache nodes."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Give subnets in at least two availability zones."
  }
}

variable "security_group_ids" {
  description = "Security groups of the cache (ingress only from the functions)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for encryption at rest, the auth secret and the slow-log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the slow-log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "tags" {
  description = "Tags added to every resource in this module."
  type        = map(string)
  default     = {}
}
