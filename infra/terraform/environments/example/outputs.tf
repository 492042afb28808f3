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
