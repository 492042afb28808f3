terraform {
  # 1.10: S3 native state locking (use_lockfile); 1.11: write-only arguments (the Redis token).
  required_version = ">= 1.11"

  # Partial configuration: bucket, key and region come from `terraform init -backend-config=...`
  # (README.md, Deploy to AWS), so no account-specific name is committed.
  backend "s3" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.62.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "3.7.2"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "2.7.1"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge(var.tags, { Application = "aside", Environment = var.name })
  }
}
