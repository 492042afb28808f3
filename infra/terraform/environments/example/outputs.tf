output "api_invoke_url" {
  description = "Base URL of the API stage."
  value       = module.api.invoke_url
}

output "product_url_template" {
  description = "URL of one product: replace {productId}."
  value       = "${module.api.invoke_url}/product/{productId}"
}

output "table_name" {
  description = "Name of the DynamoDB table (load items into it)."
  value       = module.table.name
}

output "api_function_name" {
  description = "Name of the read API function."
  value       = module.api_function.function_name
}

output "product_write_invoke_arns" {
  description = "execute-api ARNs a caller's IAM policy must allow (execute-api:Invoke) to PUT and DELETE products."
  value = [
    for method in ["PUT", "DELETE"] : "${module.api.execution_arn}/${module.api.stage_name}/${method}/product/*"
  ]
}

output "health_url" {
  description = "GET /health: Redis and DynamoDB reachability, cache memory, evictions, eviction policy and breaker state (IAM-signed callers only)."
  value       = "${module.api.invoke_url}/health"
}

output "health_invoke_arn" {
  description = "execute-api ARN a caller's IAM policy must allow (execute-api:Invoke) to GET /health."
  value       = "${module.api.execution_arn}/${module.api.stage_name}/GET/health"
}

output "table_stream_arn" {
  description = "ARN of the table's stream (NEW_AND_OLD_IMAGES), which the stream function consumes."
  value       = module.table.stream_arn
}

output "writer_function_name" {
  description = "Name of the writer function (PUT and DELETE)."
  value       = module.writer_function.function_name
}

output "stream_function_name" {
  description = "Name of the stream function."
  value       = module.stream_function.function_name
}

output "stream_failure_queue_url" {
  description = "SQS queue of the stream batches Lambda gave up on (metadata: shard and sequence numbers); an alarm fires when it holds a message."
  value       = module.stream.failure_queue_url
}

output "stream_event_source_mapping_uuid" {
  description = "UUID of the stream's event source mapping (aws lambda get-event-source-mapping --uuid)."
  value       = module.stream.event_source_mapping_uuid
}

output "redis_url" {
  description = "REDIS_URL the functions use (reachable only from inside the VPC)."
  value       = module.cache.redis_url
}

output "redis_auth_secret_arn" {
  description = "Secrets Manager secret holding the Redis AUTH token."
  value       = module.cache.auth_secret_arn
}

output "dax_endpoint" {
  description = "DAX_ENDPOINT of the functions, or null when DAX is off."
  value       = var.dax_enabled ? module.dax[0].endpoint_url : null
}

output "dashboard_url" {
  description = "CloudWatch dashboard of the stack."
  value       = "https://console.aws.amazon.com/cloudwatch/home?region=${var.aws_region}#dashboards:name=${module.observability.dashboard_name}"
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms (subscribe more endpoints to it)."
  value       = module.observability.alarm_topic_arn
}

output "pipeline_name" {
  description = "Name of the deployment pipeline, or null."
  value       = one(module.pipeline[*].pipeline_name)
}

output "pipeline_connection_arn" {
  description = "Source connection of the pipeline: authorize it once in the console (Developer Tools > Connections)."
  value       = one(module.pipeline[*].connection_arn)
}
