variable "name" {
  description = "Function name (also names its role and log group)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9-_]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits, dashes or underscores."
  }
}

variable "description" {
  description = "What the function does."
  type        = string
}

variable "source_dir" {
  description = "Folder of the function's bundle from `npm run build` (dist/functions/<name>), zipped as the deployment package."
  type        = string
}

variable "handler" {
  description = "Handler: the bundle is index.mjs exporting `handler` (scripts/lambda-functions.ts)."
  type        = string
  default     = "index.handler"
}

variable "memory_size" {
  description = "Memory in MB (CPU scales with it)."
  type        = number
  default     = 512

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout_seconds" {
  description = "Timeout in seconds. Keep an API function under API Gateway's 29 s integration timeout."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be between 1 and 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for (and capping) this function; -1 leaves it unreserved. A cap also bounds the connections the function opens to Redis."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a non-negative number."
  }
}

variable "environment" {
  description = "Environment variables of the function (see src/config/config.ts for the ones Aside reads)."
  type        = map(string)
  default     = {}
}

variable "policy_json" {
  description = "IAM policy document (JSON) with what this function's own code needs, on top of logging, tracing and VPC access."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the function attaches to."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Give subnets in at least two availability zones."
  }
}

variable "security_group_ids" {
  description = "Security groups of the function."
  type        = list(string)
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the function's log group."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource in this module."
  type        = map(string)
  default     = {}
}
