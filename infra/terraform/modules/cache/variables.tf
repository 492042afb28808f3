variable "name" {
  description = "Name of the cache (replication group ID or serverless cache name) and prefix of its companions."
  type        = string

  validation {
    # ElastiCache identifiers: a letter first, no trailing dash, no two dashes in a row.
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name)) && length(var.name) >= 2 && length(var.name) <= 31
    error_message = "name must be 2-31 lowercase letters, digits or single dashes, starting with a letter and not ending with a dash."
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
  description = "Pinned 7.x engine version of the replication group: 7.2 for Valkey, 7.0 or 7.1 for Redis OSS (ElastiCache's Redis OSS 7.x ends at 7.1). null takes the engine's latest 7.x. Serverless uses its major version."
  type        = string
  default     = null

  validation {
    condition     = var.engine_version == null || contains(var.engine == "valkey" ? ["7.2"] : ["7.0", "7.1"], coalesce(var.engine_version, "unset"))
    error_message = "engine_version must be 7.2 for valkey, or 7.0 or 7.1 for redis (or null for the engine's latest 7.x)."
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
  description = "Eviction policy of the replication group (Serverless manages its own). allkeys-lru for a cache dedicated to Aside: evicting the least recently used keeps the leases and fences just written (volatile-ttl would evict those short-lived keys first, breaking the stampede and no-stale-set guarantees), and it can always free memory (noeviction refuses fills instead). README.md, \"Eviction policy\", says why in full."
  type        = string
  default     = "allkeys-lru"

  validation {
    condition = contains([
      "volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu",
      "volatile-random", "allkeys-random", "volatile-ttl", "noeviction",
    ], var.maxmemory_policy)
    error_message = "maxmemory_policy must be one of the Redis eviction policies."
  }
}

variable "key_prefix" {
  description = "CACHE_KEY_PREFIX of the functions: their user may touch only keys under <key_prefix>:."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{1,32}$", var.key_prefix))
    error_message = "key_prefix must be 1-32 lowercase letters, digits or dashes."
  }
}

variable "allowed_commands" {
  description = "ACL rules (after -@all) of the user the functions authenticate as: what the ioredis client sends (GET, SET, UNLINK, MGET for batch reads; HELLO/AUTH, PING, INFO ready check, CLIENT SETNAME, QUIT/RESET), cluster discovery and ready check for Serverless (CLUSTER SLOTS/SHARDS/INFO, READONLY) and scripting for the lease, fill and invalidate steps (EVAL, EVALSHA, SCRIPT LOAD, FCALL; src/adapters/redis/redis-scripts.ts, whose scripts call only GET, SET and UNLINK). GET /health sends PING and INFO (memory, stats) only: ElastiCache refuses CONFIG anyway. Not CLIENT SETINFO: ioredis ignores its refusal, and engines before 7.2 reject the rule itself. test/infra/redis-access-string.test.ts proves the list against a real redis-server."
  type        = list(string)
  default = [
    "+get", "+set", "+unlink", "+mget",
    "+hello", "+auth", "+ping", "+info", "+client|setname", "+quit", "+reset",
    "+cluster|slots", "+cluster|shards", "+cluster|info", "+readonly",
    "+eval", "+evalsha", "+script|load", "+fcall",
  ]

  validation {
    condition     = alltrue([for rule in var.allowed_commands : can(regex("^\\+[a-z_]+(\\|[a-z_-]+)?$", rule))])
    error_message = "allowed_commands must be +command or +command|subcommand rules (no categories, keys or wildcards)."
  }
}

variable "auth_token_version" {
  description = "Version of the Redis credentials. Increment it to rotate: the next apply writes a new token for the other of the two app users to the secret and gives that user the same token; the previous user keeps working until auth_token_settled_version catches up. Functions move on their own: when Redis refuses their credentials they read the secret again. A new deployment starts at 1."
  type        = number
  default     = 1

  validation {
    condition     = var.auth_token_version >= 1 && floor(var.auth_token_version) == var.auth_token_version
    error_message = "auth_token_version must be a positive whole number."
  }
}

variable "auth_token_settled_version" {
  description = "The auth_token_version whose rotation is complete. While it is lower than auth_token_version, both app users can log in (the overlap); set it equal in a later apply to switch the previous user off. Setting both at once rotates without an overlap: a warm function's first request that Redis refuses then waits for a re-read of the secret."
  type        = number
  default     = 1

  validation {
    condition     = var.auth_token_settled_version >= 1 && floor(var.auth_token_settled_version) == var.auth_token_settled_version && var.auth_token_settled_version <= var.auth_token_version
    error_message = "auth_token_settled_version must be a positive whole number, at most auth_token_version."
  }

  validation {
    # Two users take turns, so only one rotation can overlap: two versions ahead replaces the password of
    # the user warm functions may still be on (they move only when refused), with no overlap at all.
    condition     = var.auth_token_version - var.auth_token_settled_version >= 0 && var.auth_token_version - var.auth_token_settled_version <= 1
    error_message = "auth_token_version may be at most one ahead of auth_token_settled_version: settle each rotation (auth_token_settled_version = auth_token_version, applied) before starting the next."
  }
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
