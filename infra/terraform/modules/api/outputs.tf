output "rest_api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "api_name" {
  description = "Name of the REST API (the ApiName metric dimension)."
  value       = aws_api_gateway_rest_api.this.name
}

output "execution_arn" {
  description = "Execution ARN of the REST API."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the stage (the Stage metric dimension)."
  value       = aws_api_gateway_stage.this.stage_name
}

output "invoke_url" {
  description = "Base URL of the stage, e.g. https://<id>.execute-api.<region>.amazonaws.com/v1."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "web_acl_arn" {
  description = "ARN of the WAF web ACL, or null when WAF is off."
  value       = one(aws_wafv2_web_acl.this[*].arn)
}
