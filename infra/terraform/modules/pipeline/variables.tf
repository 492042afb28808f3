variable "name" {
  description = "Name of the pipeline and prefix of its companions."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name)) && length(var.name) >= 2 && length(var.name) <= 31
    error_message = "name must be 2-31 lowercase letters, digits or single dashes, starting with a letter and not ending with a dash."
  }
}

variable "repository_id" {
  description = "Repository the pipeline builds, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository_id))
    error_message = "repository_id must look like owner/name."
  }
}

variable "branch" {
  description = "Branch whose pushes start the pipeline."
  type        = string
  default     = "main"
}

variable "connection_arn" {
  description = "ARN of an existing CodeStar (CodeConnections) connection; null creates one, which an administrator must then authorize once in the console."
  type        = string
  default     = null
}

variable "connection_provider_type" {
  description = "Provider of a connection this module creates: GitHub, GitHubEnterpriseServer, Bitbucket or GitLab."
  type        = string
  default     = "GitHub"

  validation {
    condition     = contains(["GitHub", "GitHubEnterpriseServer", "Bitbucket", "GitLab"], var.connection_provider_type)
    error_message = "connection_provider_type must be GitHub, GitHubEnterpriseServer, Bitbucket or GitLab."
  }
}

variable "terraform_dir" {
  description = "Folder of the Terraform root module, relative to the repository root."
  type        = string
  default     = "infra/terraform/environments/example"
}

variable "terraform_version" {
  description = "Exact Terraform version CodeBuild installs (checksum-verified)."
  type        = string
  default     = "1.11.4"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.terraform_version))
    error_message = "terraform_version must be an exact version such as 1.11.4."
  }
}

variable "state_bucket_name" {
  description = "S3 bucket holding the Terraform state (created beforehand, see Deploy to AWS in README.md)."
  type        = string
}

variable "state_key" {
  description = "Key of the state object in the state bucket."
  type        = string
}

variable "plan_secret_arns" {
  description = "Secrets the plan must read to refresh their versions (Terraform-managed secrets of the stack)."
  type        = list(string)
  default     = []
}

variable "plan_role_policy_arns" {
  description = "Extra managed policies for the plan stage's role, which otherwise reads only the control plane of the services this stack uses (see plan_refresh in main.tf)."
  type        = list(string)
  default     = []
}

variable "redis_version" {
  description = "Exact Redis 7.x version the test stage installs from packages.redis.io (the build image's own apt has 6.0.16)."
  type        = string
  default     = "7.4.2"

  validation {
    condition     = can(regex("^7\\.[0-9]+\\.[0-9]+$", var.redis_version))
    error_message = "redis_version must be an exact 7.x version such as 7.4.2."
  }
}

variable "apply_role_policy_arns" {
  description = "Managed policies for the apply stage's role. Applying creates IAM roles, so this role is as powerful as the stack; give it your organisation's deployment policy (ideally with a permissions boundary)."
  type        = list(string)

  validation {
    condition     = length(var.apply_role_policy_arns) > 0
    error_message = "Give at least one policy for the apply stage."
  }
}

variable "approval_topic_arn" {
  description = "SNS topic notified when a plan waits for manual approval; null for none."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key encrypting artifacts (plans contain secrets), build logs and build output."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the build log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "tags" {
  description = "Tags added to every resource in this module."
  type        = map(string)
  default     = {}
}
