output "failure_queue_arn" {
  description = "ARN of the on-failure queue (the stream function's role sends to it)."
  value       = aws_sqs_queue.failures.arn
}

output "failure_queue_url" {
  description = "URL of the on-failure queue (aws sqs receive-message --queue-url)."
  value       = aws_sqs_queue.failures.id
}

output "failure_queue_name" {
  description = "Name of the on-failure queue (the QueueName metric dimension)."
  value       = aws_sqs_queue.failures.name
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping (aws lambda get-event-source-mapping --uuid)."
  value       = aws_lambda_event_source_mapping.this.uuid
}
