output "name" {
  description = "Name of the table."
  value       = aws_dynamodb_table.this.name
}

output "arn" {
  description = "ARN of the table."
  value       = aws_dynamodb_table.this.arn
}

output "stream_arn" {
  description = "ARN of the table's stream (NEW_AND_OLD_IMAGES), for the Streams invalidator."
  value       = aws_dynamodb_table.this.stream_arn
}
