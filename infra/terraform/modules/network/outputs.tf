output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone."
  value       = aws_subnet.private[*].id
}

output "private_route_table_ids" {
  description = "IDs of the private route tables (each carries the DynamoDB gateway endpoint route)."
  value       = aws_route_table.private[*].id
}

output "lambda_security_group_id" {
  description = "Security group for the functions."
  value       = aws_security_group.lambda.id
}

output "redis_security_group_id" {
  description = "Security group for the cache."
  value       = aws_security_group.redis.id
}

output "dax_security_group_id" {
  description = "Security group for the DAX cluster, or null when DAX is not deployed."
  value       = one(aws_security_group.dax[*].id)
}

output "dynamodb_endpoint_id" {
  description = "ID of the DynamoDB gateway endpoint."
  value       = aws_vpc_endpoint.dynamodb.id
}

output "secretsmanager_endpoint_id" {
  description = "ID of the Secrets Manager interface endpoint."
  value       = aws_vpc_endpoint.secretsmanager.id
}
