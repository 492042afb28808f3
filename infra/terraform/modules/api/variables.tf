variable "name" {
  description = "Name of the REST API and prefix of its companions."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.name)) && length(var.name) >= 2 && length(var.name) <= 41
    error_message = "name must be 2-41 lowercase letters, digits or single dashes, starting with a letter and not ending with a dash."
  }
}

variable "stage_name" {
  description = "Name of the stage (the first segment of the invoke URL's path)."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_]{1,64}$", var.stage_name))
    error_message = "stage_name must be 1-64 letters, digits or underscores."
  }
}

variable "functions" {
  description = "Functions routes can point at, by key: the name and invoke ARN from the function module."
  type = map(object({
    function_name = string
    invoke_arn    = string
  }))
}

variable "routes" {
  description = "Every route the app serves (mirror of src/http/routes.ts): method, API Gateway path (/a/{param}, at most 4 segments), the key of the function in `functions`, and authorization (NONE, or AWS_IAM for SigV4-signed callers such as the write routes)."
  type = list(object({
    method        = string
    path          = string
    function      = string
    authorization = string
  }))

  validation {
    condition     = alltrue([for r in var.routes : contains(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"], r.method)])
    error_message = "Every route method must be GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY."
  }

  validation {
    condition     = alltrue([for r in var.routes : contains(["NONE", "AWS_IAM"], r.authorization)])
    error_message = "Every route authorization must be NONE or AWS_IAM."
  }

  validation {
    condition     = alltrue([for r in var.routes : can(regex("^(/([A-Za-z0-9._-]+|\\{[A-Za-z0-9_]+\\+?\\})){1,4}$", r.path))])
    error_message = "Every route path must look like /segment/{param}, with one to four segments."
  }

  validation {
    condition     = length(distinct([for r in var.routes : "${r.method} ${r.path}"])) == length(var.routes)
    error_message = "Routes must be unique by method and path."
  }

  validation {
    condition     = alltrue([for r in var.routes : contains(keys(var.functions), r.function)])
    error_message = "Every route's function must be a key of var.functions."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second the stage accepts before answering 429."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "throttling_rate_limit must be positive."
  }
}

variable "throttling_burst_limit" {
  description = "Burst of requests the stage accepts above the rate limit."
  type        = number
  default     = 200

  validation {
    condition     = var.throttling_burst_limit > 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a positive whole number."
  }
}

variable "manage_account_logging_role" {
  description = "Create the regional API Gateway account setting (the role API Gateway logs with). It is one per account and region: set false when another stack already manages it."
  type        = bool
  default     = true
}

variable "waf_enabled" {
  description = "Attach an AWS WAF web ACL (per-IP rate limit and AWS managed rule groups) to the stage."
  type        = bool
  default     = false
}

variable "waf_rate_limit_per_5_minutes" {
  description = "With WAF: requests one IP may send in any 5-minute window before being blocked."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit_per_5_minutes >= 10
    error_message = "waf_rate_limit_per_5_minutes must be at least 10 (the WAF minimum)."
  }
}

variable "log_retention_days" {
  description = "Retention of the access-log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the access-log group."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource in this module."
  type        = map(string)
  default     = {}
}
