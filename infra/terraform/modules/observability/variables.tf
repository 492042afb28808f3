variable "name" {
  description = "Prefix of the dashboard, alarms and topic."
  type        = string
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the app's EMF metrics (METRICS_NAMESPACE)."
  type        = string
  default     = "Aside"
}

variable "service_name" {
  description = "Value of the app's `service` metric dimension (SERVICE_NAME)."
  type        = string
  default     = "aside"
}

variable "function_names" {
  description = "Lambda functions to chart and alarm on."
  type        = list(string)
}

variable "stream_function_names" {
  description = "Functions fed by a stream event source mapping: their IteratorAge is charted and alarmed on. Also list them in function_names."
  type        = list(string)
  default     = []
}

variable "failure_queue_names" {
  description = "On-failure queues of event source mappings: any message in one raises an alarm."
  type        = list(string)
  default     = []
}

variable "stream_iterator_age_alarm_ms" {
  description = "Alarm when a stream function's iterator age (how far behind the newest record it is) stays above this many milliseconds."
  type        = number
  default     = 60000

  validation {
    condition     = var.stream_iterator_age_alarm_ms > 0
    error_message = "stream_iterator_age_alarm_ms must be positive."
  }
}

variable "api_name" {
  description = "Name of the REST API (ApiName dimension)."
  type        = string
}

variable "api_stage" {
  description = "Stage of the REST API (Stage dimension)."
  type        = string
}

variable "cache_node_ids" {
  description = "Replication group node IDs (CacheClusterId dimension); empty with Serverless."
  type        = list(string)
  default     = []
}

variable "serverless_cache_name" {
  description = "Name of the ElastiCache Serverless cache (clusterId dimension), or null."
  type        = string
  default     = null
}

variable "serverless_max_ecpu_per_second" {
  description = "Serverless only: the cache's ECPU-per-second limit; the ECPU alarm fires at serverless_limit_alarm_percent of it. null with a replication group."
  type        = number
  default     = null
}

variable "serverless_max_data_storage_gb" {
  description = "Serverless only: the cache's data storage limit in GB; the storage alarm fires at serverless_limit_alarm_percent of it. null with a replication group."
  type        = number
  default     = null
}

variable "serverless_limit_alarm_percent" {
  description = "Serverless only: alarm when ECPUs or stored data stay above this percentage of the cache's limits (it throttles or evicts at 100%)."
  type        = number
  default     = 80

  validation {
    condition     = var.serverless_limit_alarm_percent > 0 && var.serverless_limit_alarm_percent <= 100
    error_message = "serverless_limit_alarm_percent must be in (0, 100]."
  }
}

variable "function_p99_duration_alarm_ms" {
  description = "Alarm when a function's p99 duration stays above this many milliseconds (the read API's timeout is 10 s)."
  type        = number
  default     = 3000
}

variable "alarm_email" {
  description = "Address subscribed to the alarm topic (AWS sends a confirmation mail); null for none."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", coalesce(var.alarm_email, "x")))
    error_message = "alarm_email must be an e-mail address or null."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the alarm topic (its key policy must let CloudWatch use it)."
  type        = string
}

variable "hit_ratio_alarm_percent" {
  description = "Alarm when the cache hit ratio stays below this percentage."
  type        = number
  default     = 50

  validation {
    condition     = var.hit_ratio_alarm_percent >= 0 && var.hit_ratio_alarm_percent <= 100
    error_message = "hit_ratio_alarm_percent must be between 0 and 100."
  }
}

variable "lease_wait_timeouts_alarm" {
  description = "Alarm when more reads than this a minute time out waiting for another caller's fill (LeaseWaitTimeouts). 0: any sustained timeouts, since each one is a DynamoDB read the lease was meant to spare."
  type        = number
  default     = 0

  validation {
    condition     = var.lease_wait_timeouts_alarm >= 0
    error_message = "lease_wait_timeouts_alarm must be 0 or more."
  }
}

variable "api_p99_latency_alarm_ms" {
  description = "Alarm when the API's p99 latency stays above this many milliseconds."
  type        = number
  default     = 1000
}

variable "cache_memory_alarm_percent" {
  description = "Alarm when a cache node's memory use stays above this percentage (evictions follow)."
  type        = number
  default     = 80
}

variable "cache_cpu_alarm_percent" {
  description = "Alarm when a cache node's engine CPU stays above this percentage."
  type        = number
  default     = 80
}

variable "cache_connections_alarm" {
  description = "Alarm when a cache node holds more client connections than this (each warm Lambda environment holds one)."
  type        = number
  default     = 5000
}

variable "tags" {
  description = "Tags added to every resource in this module."
  type        = map(string)
  default     = {}
}
