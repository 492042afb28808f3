variable "name" {
  description = "Name prefix for every resource in this module."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name)) && length(var.name) >= 2 && length(var.name) <= 31
    error_message = "name must be 2-31 lowercase letters, digits or single dashes, starting with a letter and not ending with a dash."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a valid IPv4 CIDR block."
  }
}

variable "availability_zones" {
  description = "Availability zones for the private subnets (one subnet each). At least two, so Redis Multi-AZ and Lambda survive the loss of one zone."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "Give at least two distinct availability zones."
  }
}

variable "redis_ports" {
  description = "TCP ports the functions use to reach the cache: [6379] for a replication group, [6379, 6380] for ElastiCache Serverless (6380 is its reader endpoint)."
  type        = list(number)
  default     = [6379]

  validation {
    condition     = length(var.redis_ports) > 0 && alltrue([for p in var.redis_ports : p >= 1024 && p <= 65535])
    error_message = "redis_ports must list ports between 1024 and 65535."
  }
}

variable "dax_port" {
  description = "Port of the optional DAX cluster (9111 with TLS, 8111 without); null when DAX is not deployed."
  type        = number
  default     = null

  validation {
    condition     = var.dax_port == null || contains([8111, 9111], coalesce(var.dax_port, 0))
    error_message = "dax_port must be 8111, 9111 or null."
  }
}

variable "dynamodb_table_arns" {
  description = "ARNs of the DynamoDB tables the functions reach through the gateway endpoint; its policy allows no other."
  type        = list(string)

  validation {
    condition     = length(var.dynamodb_table_arns) > 0 && alltrue([for arn in var.dynamodb_table_arns : can(regex("^arn:[a-z-]+:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", arn))])
    error_message = "dynamodb_table_arns must list at least one DynamoDB table ARN (arn:<partition>:dynamodb:<region>:<account>:table/<name>)."
  }
}

variable "dynamodb_endpoint_actions" {
  description = "DynamoDB actions the gateway endpoint lets through, on those tables: the item actions the functions use, and DescribeTable (GET /health)."
  type        = list(string)
  default     = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:DescribeTable"]

  validation {
    condition     = length(var.dynamodb_endpoint_actions) > 0 && alltrue([for action in var.dynamodb_endpoint_actions : can(regex("^dynamodb:[A-Za-z]+$", action))])
    error_message = "dynamodb_endpoint_actions must list DynamoDB actions by name (dynamodb:GetItem), no wildcards."
  }
}

variable "secret_arns" {
  description = "ARNs of the Secrets Manager secrets the functions read through the interface endpoint; its policy allows no other."
  type        = list(string)

  validation {
    condition     = length(var.secret_arns) > 0 && alltrue([for arn in var.secret_arns : can(regex("^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", arn))])
    error_message = "secret_arns must list at least one Secrets Manager secret ARN."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the flow log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "tags" {
  description = "Tags added to every resource in this module."
  type        = map(string)
  default     = {}
}
