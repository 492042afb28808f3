output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic the alarms notify."
  value       = aws_sns_topic.alarms.arn
}
