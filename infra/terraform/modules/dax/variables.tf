variable "name" {
  description = "Name of the DAX cluster (at most 20 characters) and prefix of its companions."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name)) && length(var.name) >= 1 && length(var.name) <= 20
    error_message = "name must be 1-20 lowercase letters, digits or single dashes, starting with a letter and not ending with a dash."
  }
}

variable "node_type" {
  description = "DAX node type."
  type        = string
  default     = "dax.t3.small"
}

variable "replication_factor" {
  description = "Nodes in the cluster. Three (one per zone) is AWS's production recommendation; fewer than two has no failover."
  type        = number
  default     = 3

  validation {
    condition     = var.replication_factor >= 1 && var.replication_factor <= 11
    error_message = "replication_factor must be between 1 and 11."
  }
}

variable "item_ttl_seconds" {
  description = "How long DAX serves an item from its item cache before reading DynamoDB again (record-ttl-millis). DAX does not see writes made around it, so this bounds staleness."
  type        = number
  default     = 300

  validation {
    condition     = var.item_ttl_seconds >= 1
    error_message = "item_ttl_seconds must be at least 1."
  }
}

variable "table_arn" {
  description = "ARN of the table DAX reads on the functions' behalf."
  type        = string
}

variable "dynamodb_actions" {
  description = "DynamoDB actions DAX may perform on the table for its callers; the read API needs only GetItem and BatchGetItem."
  type        = list(string)
  default     = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"]

  validation {
    condition     = alltrue([for action in var.dynamodb_actions : can(regex("^dynamodb:[A-Za-z]+$", action))])
    error_message = "dynamodb_actions must be explicit dynamodb:<Action> names (no wildcards)."
  }
}

variable "subnet_ids" {
  description = "Private subnets for the DAX nodes."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Give subnets in at least two availability zones."
  }
}

variable "security_group_ids" {
  description = "Security groups of the DAX cluster (ingress only from the functions on 9111)."
  type        = list(string)
}

variable "tags" {
  description = "Tags added to every resource in this module."
  type        = map(string)
  default     = {}
}
