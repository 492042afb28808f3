output "cluster_arn" {
  description = "ARN of the DAX cluster (the resource of the functions' dax: permissions)."
  value       = aws_dax_cluster.this.arn
}

output "endpoint_url" {
  description = "DAX_ENDPOINT for the functions: the TLS cluster endpoint as a daxs:// URL."
  value       = "daxs://${aws_dax_cluster.this.cluster_address}"
}

output "port" {
  description = "Port of the cluster endpoint (9111: TLS)."
  value       = 9111
}
