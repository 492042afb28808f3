output "pipeline_name" {
  description = "Name of the pipeline."
  value       = aws_codepipeline.this.name
}

output "connection_arn" {
  description = "ARN of the source connection (authorize it once in the console if this module created it)."
  value       = local.connection_arn
}

output "artifacts_bucket" {
  description = "Name of the artifacts bucket."
  value       = aws_s3_bucket.artifacts.bucket
}
