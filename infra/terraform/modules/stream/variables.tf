variable "name" {
  description = "Prefix of the failure queue."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name)) && length(var.name) >= 2 && length(var.name) <= 41
    error_message = "name must be 2-41 lowercase letters, digits or single dashes, starting with a letter and not ending with a dash."
  }
}

variable "stream_arn" {
  description = "ARN of the table's stream (NEW_AND_OLD_IMAGES)."
  type        = string
}

variable "function_name" {
  description = "Name of the function that applies the stream's records to the cache (its role must read the stream and send to the failure queue)."
  type        = string
}

variable "starting_position" {
  description = "Where a new mapping starts reading: LATEST (see main.tf for why) or TRIM_HORIZON."
  type        = string
  default     = "LATEST"

  validation {
    condition     = contains(["LATEST", "TRIM_HORIZON"], var.starting_position)
    error_message = "starting_position must be LATEST or TRIM_HORIZON."
  }
}

variable "batch_size" {
  description = "Most records per invocation."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number from 1 to 10000."
  }
}

variable "maximum_batching_window_seconds" {
  description = "How long Lambda gathers records before invoking; 0 applies each write as soon as it is read, which is how long a write made outside the API takes to reach the cache."
  type        = number
  default     = 0

  validation {
    condition     = var.maximum_batching_window_seconds >= 0 && var.maximum_batching_window_seconds <= 300 && floor(var.maximum_batching_window_seconds) == var.maximum_batching_window_seconds
    error_message = "maximum_batching_window_seconds must be a whole number from 0 to 300."
  }
}

variable "parallelization_factor" {
  description = "Batches processed at once per shard (1-10); see main.tf for why 1."
  type        = number
  default     = 1

  validation {
    condition     = var.parallelization_factor >= 1 && var.parallelization_factor <= 10 && floor(var.parallelization_factor) == var.parallelization_factor
    error_message = "parallelization_factor must be a whole number from 1 to 10."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before its records go to the failure queue (bounded: -1, infinite, is refused)."
  type        = number
  default     = 10

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 10000 && floor(var.maximum_retry_attempts) == var.maximum_retry_attempts
    error_message = "maximum_retry_attempts must be a whole number from 0 to 10000."
  }
}

variable "maximum_record_age_seconds" {
  description = "Records older than this go to the failure queue instead of the function (bounded: -1, infinite, is refused; the stream keeps records 24 hours). Keep it well above the cache TTL, so a discarded record no longer matters."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_record_age_seconds >= 60 && var.maximum_record_age_seconds <= 86400 && floor(var.maximum_record_age_seconds) == var.maximum_record_age_seconds
    error_message = "maximum_record_age_seconds must be a whole number from 60 to 86400."
  }
}

variable "failure_retention_seconds" {
  description = "How long the failure queue keeps a message (the SQS maximum, 14 days, by default)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.failure_retention_seconds >= 60 && var.failure_retention_seconds <= 1209600
    error_message = "failure_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the failure queue (the stream function's role needs kms:GenerateDataKey and kms:Decrypt on it)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource in this module."
  type        = map(string)
  default     = {}
}
