locals {
  endpoint_address = local.serverless ? aws_elasticache_serverless_cache.this[0].endpoint[0].address : aws_elasticache_replication_group.this[0].primary_endpoint_address
  endpoint_port    = local.serverless ? aws_elasticache_serverless_cache.this[0].endpoint[0].port : var.port
}

output "redis_url" {
  description = "REDIS_URL for the functions: rediss:// (TLS) to the primary endpoint, or to the Serverless endpoint."
  value       = "rediss://${local.endpoint_address}:${local.endpoint_port}"
}

output "redis_mode" {
  description = "REDIS_MODE for the functions: standalone for a replication group (cluster mode disabled), cluster for Serverless."
  value       = local.serverless ? "cluster" : "standalone"
}

output "ports" {
  description = "Ports the functions must be allowed to reach."
  value       = local.serverless ? [6379, 6380] : [var.port]
}

output "auth_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the AUTH token (REDIS_AUTH_SECRET_ARN)."
  value       = aws_secretsmanager_secret.auth.arn
}

output "replication_group_id" {
  description = "ID of the replication group, or null for Serverless."
  value       = one(aws_elasticache_replication_group.this[*].id)
}

output "node_ids" {
  description = "Node IDs of the replication group (the CacheClusterId metric dimension); empty for Serverless. Derived from ElastiCache's <group>-00N naming so they are known at plan time (alarms iterate over them)."
  value       = local.serverless ? [] : [for index in range(var.num_cache_clusters) : format("%s-%03d", var.name, index + 1)]
}

output "serverless_cache_name" {
  description = "Name of the Serverless cache (the clusterId metric dimension), or null."
  value       = one(aws_elasticache_serverless_cache.this[*].name)
}

output "serverless_max_ecpu_per_second" {
  description = "Serverless only: the ECPU-per-second limit (alarms fire before it throttles), or null."
  value       = local.serverless ? var.serverless_max_ecpu_per_second : null
}

output "serverless_max_data_storage_gb" {
  description = "Serverless only: the data storage limit in GB (alarms fire before it evicts), or null."
  value       = local.serverless ? var.serverless_max_data_storage_gb : null
}
