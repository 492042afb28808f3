data "aws_region" "current" {}

locals {
  region     = data.aws_region.current.region
  serverless = var.serverless_cache_name != null
  app        = { namespace = var.metrics_namespace, dimensions = ["service", var.service_name] }
  api_dims   = ["ApiName", var.api_name, "Stage", var.api_stage]

  # Replication group: one line per node. Serverless: one line for the cache.
  cache_metric = {
    for title, metric in {
      memory      = local.serverless ? "BytesUsedForCache" : "DatabaseMemoryUsagePercentage"
      evictions   = "Evictions"
      cpu         = local.serverless ? "ElastiCacheProcessingUnits" : "EngineCPUUtilization"
      connections = "CurrConnections"
      } : title => local.serverless ? [
      ["AWS/ElastiCache", metric, "clusterId", var.serverless_cache_name]
    ] : [for node in var.cache_node_ids : ["AWS/ElastiCache", metric, "CacheClusterId", node]]
  }

  # The app's EMF metrics (src/observability/metric-names.ts; test/infra/observability.test.ts keeps
  # the two equal and checks each one is charted), as dashboard lines in its namespace with its
  # service dimension. Widgets name them through this map so a misspelt name fails the plan.
  app_metric_names = [
    "CacheHits", "CacheMisses", "CacheStale", "CacheBypass",
    "NegativeCacheHits", "LeaseWaits", "LeaseWaitTimeouts", "EarlyRefreshes",
    "CorruptCacheEntries", "FillsLeaseLost", "FillsSuperseded", "CacheStoreErrors",
    "CacheBreakerOpened", "CacheBreakerClosed", "CacheBreakerRejections",
    "RedisAuthFailures", "RedisAuthSecretReads",
    "SourceLoadLatency", "SourceErrors", "RememberedSourceFailures", "DynamoDBReadUnits",
    "ProductWrites", "WritePreconditionFailures", "CacheWriteThroughs", "CacheWritesSuperseded",
    "CacheInvalidations", "CacheMaintenanceErrors", "StreamRecords", "StreamRecordFailures",
  ]
  app_metric = { for name in local.app_metric_names : name => concat([local.app.namespace, name], local.app.dimensions) }

  # Hit ratio, shared by the widget and the alarm. A user wants an answer without waiting on DynamoDB:
  # a STALE read (an entry past its soft TTL, within grace, served at once while one caller refreshes
  # it, or while DynamoDB fails) is that, so it counts as served from the cache. MISS and BYPASS reads
  # went to DynamoDB. The reads widget shows STALE apart, for when refreshes lag.
  # FILL: each count is emitted only when it happens, and a series with a gap would blank the ratio
  # (a minute of misses only would show no data instead of 0%). No reads at all is 0/0: no data point,
  # which the alarm treats as not breaching.
  hit_ratio_inputs     = { hits = "CacheHits", stale = "CacheStale", misses = "CacheMisses", bypass = "CacheBypass" }
  hit_ratio_expression = "100 * (FILL(hits, 0) + FILL(stale, 0)) / (FILL(hits, 0) + FILL(stale, 0) + FILL(misses, 0) + FILL(bypass, 0))"

  widgets = [
    {
      title = "Cache hits, misses, stale, bypass (count)"
      stat  = "Sum"
      metrics = [
        local.app_metric["CacheHits"],
        local.app_metric["CacheStale"],
        local.app_metric["CacheMisses"],
        local.app_metric["CacheBypass"],
      ]
    },
    {
      title = "Cache hit ratio (%, stale counts as served)"
      stat  = "Sum"
      metrics = concat(
        [[{ expression = local.hit_ratio_expression, label = "Served from cache", id = "ratio" }]],
        [for id, name in local.hit_ratio_inputs : concat(local.app_metric[name], [{ id = id, visible = false }])],
      )
    },
    {
      # Waits that time out loaded DynamoDB themselves: the lease stopped protecting it.
      title = "Read protocol: lease waits, early refreshes, cached not-founds (count)"
      stat  = "Sum"
      metrics = [
        local.app_metric["LeaseWaits"],
        local.app_metric["LeaseWaitTimeouts"],
        local.app_metric["EarlyRefreshes"],
        local.app_metric["NegativeCacheHits"],
      ]
    },
    {
      # A few refused fills are expected around writes; many lease-lost ones mean loads outlast the
      # lease TTL. Corrupt entries and store errors are never expected. The breaker opens again after
      # each failed probe, so CacheBreakerOpened keeps counting while Redis stays down.
      title = "Cache health: corrupt entries, refused fills, store errors, breaker (count)"
      stat  = "Sum"
      metrics = [
        local.app_metric["CorruptCacheEntries"],
        local.app_metric["FillsLeaseLost"],
        local.app_metric["FillsSuperseded"],
        local.app_metric["CacheStoreErrors"],
        local.app_metric["CacheBreakerOpened"],
        local.app_metric["CacheBreakerClosed"],
        local.app_metric["CacheBreakerRejections"],
      ]
    },
    {
      # Refused credentials (calls and reconnects) and the secret re-reads they cause, at most one per
      # REDIS_AUTH_REFRESH_INTERVAL_MS per environment. A few around a rotation are expected; a steady line
      # means the secret and the users disagree and every read bypasses the cache.
      title = "Redis credentials: auth failures, secret re-reads (count)"
      stat  = "Sum"
      metrics = [
        local.app_metric["RedisAuthFailures"],
        local.app_metric["RedisAuthSecretReads"],
      ]
    },
    {
      title   = "DynamoDB read units consumed by the app"
      stat    = "Sum"
      metrics = [local.app_metric["DynamoDBReadUnits"]]
    },
    {
      # Remembered failures: reads answered 503 from a failure another read just had, without asking
      # DynamoDB again (CACHE_SOURCE_FAILURE_TTL_MS).
      title = "DynamoDB loads: p50 and p99 latency (ms), errors and remembered failures (count, right axis)"
      stat  = "p99"
      metrics = [
        concat(local.app_metric["SourceLoadLatency"], [{ stat = "p50", label = "Load p50" }]),
        concat(local.app_metric["SourceLoadLatency"], [{ label = "Load p99" }]),
        concat(local.app_metric["SourceErrors"], [{ stat = "Sum", label = "Load errors", yAxis = "right" }]),
        concat(local.app_metric["RememberedSourceFailures"], [{ stat = "Sum", label = "Remembered failures", yAxis = "right" }]),
      ]
    },
    {
      # Writes through the API and what each did to the cache. Superseded: a newer version (or fence)
      # was there already, as when two writers' cache steps land out of order. Maintenance errors:
      # the write succeeded but Redis failed its cache step; the stream converges the entry.
      title = "Writes: products written, 412s, cache write-throughs, superseded, invalidations, errors (count)"
      stat  = "Sum"
      metrics = [
        local.app_metric["ProductWrites"],
        local.app_metric["WritePreconditionFailures"],
        local.app_metric["CacheWriteThroughs"],
        local.app_metric["CacheWritesSuperseded"],
        local.app_metric["CacheInvalidations"],
        local.app_metric["CacheMaintenanceErrors"],
      ]
    },
    {
      # Records applied and failed (retried by Lambda from the first failure), and how far behind the
      # newest record the stream function is.
      title = "Stream: records applied, failed (count), iterator age (ms, right axis)"
      stat  = "Sum"
      metrics = concat(
        [local.app_metric["StreamRecords"], local.app_metric["StreamRecordFailures"]],
        [for f in var.stream_function_names : ["AWS/Lambda", "IteratorAge", "FunctionName", f, { stat = "Maximum", yAxis = "right" }]],
      )
    },
    {
      title   = "Stream batches given up on (messages in the failure queue)"
      stat    = "Maximum"
      metrics = [for q in var.failure_queue_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]
    },
    { title = local.serverless ? "Cache data stored (bytes)" : "Cache memory used (%)", stat = "Maximum", metrics = local.cache_metric.memory },
    { title = "Cache evictions", stat = "Sum", metrics = local.cache_metric.evictions },
    { title = local.serverless ? "Cache ECPUs" : "Cache engine CPU (%)", stat = local.serverless ? "Sum" : "Maximum", metrics = local.cache_metric.cpu },
    { title = "Cache client connections", stat = "Maximum", metrics = local.cache_metric.connections },
    { title = "Lambda p99 duration (ms)", stat = "p99", metrics = [for f in var.function_names : ["AWS/Lambda", "Duration", "FunctionName", f]] },
    {
      title = "Lambda errors and throttles"
      stat  = "Sum"
      # Not flatten(): it is recursive and would merge every line into one flat list of strings.
      metrics = concat([for f in var.function_names : ["AWS/Lambda", "Errors", "FunctionName", f]], [for f in var.function_names : ["AWS/Lambda", "Throttles", "FunctionName", f]])
    },
    { title = "API p99 latency (ms)", stat = "p99", metrics = [concat(["AWS/ApiGateway", "Latency"], local.api_dims), concat(["AWS/ApiGateway", "IntegrationLatency"], local.api_dims)] },
    {
      title = "API requests, 4XX (incl. 429 throttles), 5XX"
      stat  = "Sum"
      metrics = [
        concat(["AWS/ApiGateway", "Count"], local.api_dims),
        concat(["AWS/ApiGateway", "4XXError"], local.api_dims),
        concat(["AWS/ApiGateway", "5XXError"], local.api_dims),
      ]
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [for index, widget in local.widgets : {
      type   = "metric"
      x      = (index % 3) * 8
      y      = floor(index / 3) * 6
      width  = 8
      height = 6
      properties = {
        title   = widget.title
        region  = local.region
        stat    = widget.stat
        period  = 60
        view    = "timeSeries"
        metrics = widget.metrics
      }
    }]
  })
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn

  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  alarm_actions = [aws_sns_topic.alarms.arn]

  # Simple threshold alarms: metric, dimensions, statistic, comparison, threshold.
  alarms = merge(
    {
      "cache-bypass" = {
        description = "Redis unreachable or failing: requests are served from DynamoDB (the cache is bypassed)."
        namespace   = var.metrics_namespace, metric = "CacheBypass", dimensions = tomap({ service = var.service_name })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0
      }
      "lease-wait-timeouts" = {
        description = "Reads time out waiting for another caller's fill (more than ${var.lease_wait_timeouts_alarm} a minute) and load DynamoDB themselves: fills are slower than CACHE_LEASE_WAIT_MS, so the lease no longer shields DynamoDB from a stampede."
        namespace   = var.metrics_namespace, metric = "LeaseWaitTimeouts", dimensions = tomap({ service = var.service_name })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = var.lease_wait_timeouts_alarm
      }
      "corrupt-cache-entries" = {
        description = "Values under the cache key prefix are not entries of the app's format: another writer shares CACHE_KEY_PREFIX (or, for a few minutes after a deploy that changed the entry format, old and new code overwrite each other's entries)."
        namespace   = var.metrics_namespace, metric = "CorruptCacheEntries", dimensions = tomap({ service = var.service_name })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0
      }
      "redis-auth-failures" = {
        description = "Redis refuses the functions' credentials (WRONGPASS/NOAUTH) for minutes: reads bypass the cache. A rotation that overlapped causes none; a steady count means the secret and the ElastiCache users disagree (an apply that failed halfway, a user changed by hand) or the secret is unreadable. Check the functions' logs, then rotate again (README.md, Deploy to AWS)."
        namespace   = var.metrics_namespace, metric = "RedisAuthFailures", dimensions = tomap({ service = var.service_name })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0
      }
      "cache-maintenance-errors" = {
        description = "Writes succeeded but their cache step failed (Redis unreachable or failing): until the stream function applies them, reads may be served the previous version. Check Redis, then the stream's iterator age and failure queue."
        namespace   = var.metrics_namespace, metric = "CacheMaintenanceErrors", dimensions = tomap({ service = var.service_name })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0
      }
      "api-5xx" = {
        description = "The API answers with server errors."
        namespace   = "AWS/ApiGateway", metric = "5XXError", dimensions = tomap({ ApiName = var.api_name, Stage = var.api_stage })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0
      }
      "api-p99-latency" = {
        description = "The API's p99 latency is above ${var.api_p99_latency_alarm_ms} ms."
        namespace   = "AWS/ApiGateway", metric = "Latency", dimensions = tomap({ ApiName = var.api_name, Stage = var.api_stage })
        statistic   = null, extended = "p99", comparison = "GreaterThanThreshold", threshold = var.api_p99_latency_alarm_ms
      }
    },
    merge([for f in var.function_names : {
      "${f}-errors" = {
        description = "${f} fails invocations."
        namespace   = "AWS/Lambda", metric = "Errors", dimensions = tomap({ FunctionName = f })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0
      }
      "${f}-throttles" = {
        description = "${f} is throttled (reserved or account concurrency exhausted)."
        namespace   = "AWS/Lambda", metric = "Throttles", dimensions = tomap({ FunctionName = f })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0
      }
      "${f}-p99-duration" = {
        description = "${f}'s p99 duration is above ${var.function_p99_duration_alarm_ms} ms (slow Redis or DynamoDB, or cold starts)."
        namespace   = "AWS/Lambda", metric = "Duration", dimensions = tomap({ FunctionName = f })
        statistic   = null, extended = "p99", comparison = "GreaterThanThreshold", threshold = var.function_p99_duration_alarm_ms
      }
    }]...),
    merge([for f in var.stream_function_names : {
      "${f}-iterator-age" = {
        description = "${f} is more than ${var.stream_iterator_age_alarm_ms} ms behind the table's stream: writes made outside the API reach the cache late (a failing batch being retried, throttling, or a slow Redis). Records older than the mapping's maximum age are discarded to the failure queue."
        namespace   = "AWS/Lambda", metric = "IteratorAge", dimensions = tomap({ FunctionName = f })
        statistic   = "Maximum", extended = null, comparison = "GreaterThanThreshold", threshold = var.stream_iterator_age_alarm_ms
      }
    }]...),
    merge([for node in var.cache_node_ids : {
      "${node}-memory" = {
        description = "Cache node ${node} uses more than ${var.cache_memory_alarm_percent}% of its memory."
        namespace   = "AWS/ElastiCache", metric = "DatabaseMemoryUsagePercentage", dimensions = tomap({ CacheClusterId = node })
        statistic   = "Maximum", extended = null, comparison = "GreaterThanThreshold", threshold = var.cache_memory_alarm_percent
      }
      "${node}-evictions" = {
        description = "Cache node ${node} evicts keys: it is too small for the working set."
        namespace   = "AWS/ElastiCache", metric = "Evictions", dimensions = tomap({ CacheClusterId = node })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0
      }
      "${node}-engine-cpu" = {
        description = "Cache node ${node}'s engine thread is above ${var.cache_cpu_alarm_percent}% CPU."
        namespace   = "AWS/ElastiCache", metric = "EngineCPUUtilization", dimensions = tomap({ CacheClusterId = node })
        statistic   = "Maximum", extended = null, comparison = "GreaterThanThreshold", threshold = var.cache_cpu_alarm_percent
      }
      "${node}-connections" = {
        description = "Cache node ${node} holds more than ${var.cache_connections_alarm} connections."
        namespace   = "AWS/ElastiCache", metric = "CurrConnections", dimensions = tomap({ CacheClusterId = node })
        statistic   = "Maximum", extended = null, comparison = "GreaterThanThreshold", threshold = var.cache_connections_alarm
      }
    }]...),
    local.serverless ? {
      "cache-evictions" = {
        description = "The serverless cache evicts keys: its data storage limit is too low."
        namespace   = "AWS/ElastiCache", metric = "Evictions", dimensions = tomap({ clusterId = var.serverless_cache_name })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = 0
      }
      "cache-connections" = {
        description = "The serverless cache holds more than ${var.cache_connections_alarm} client connections."
        namespace   = "AWS/ElastiCache", metric = "CurrConnections", dimensions = tomap({ clusterId = var.serverless_cache_name })
        statistic   = "Maximum", extended = null, comparison = "GreaterThanThreshold", threshold = var.cache_connections_alarm
      }
    } : {},
    # ElastiCacheProcessingUnits is a count per period: per-second limit x 60 s x the alarm percentage.
    local.serverless && var.serverless_max_ecpu_per_second != null ? {
      "cache-ecpu" = {
        description = "The serverless cache uses more than ${var.serverless_limit_alarm_percent}% of its ECPU-per-second limit (it throttles at the limit)."
        namespace   = "AWS/ElastiCache", metric = "ElastiCacheProcessingUnits", dimensions = tomap({ clusterId = var.serverless_cache_name })
        statistic   = "Sum", extended = null, comparison = "GreaterThanThreshold", threshold = coalesce(var.serverless_max_ecpu_per_second, 0) * 60 * var.serverless_limit_alarm_percent / 100
      }
    } : {},
    local.serverless && var.serverless_max_data_storage_gb != null ? {
      "cache-storage" = {
        description = "The serverless cache stores more than ${var.serverless_limit_alarm_percent}% of its data storage limit (it evicts at the limit)."
        namespace   = "AWS/ElastiCache", metric = "BytesUsedForCache", dimensions = tomap({ clusterId = var.serverless_cache_name })
        statistic   = "Maximum", extended = null, comparison = "GreaterThanThreshold", threshold = coalesce(var.serverless_max_data_storage_gb, 0) * 1000000000 * var.serverless_limit_alarm_percent / 100
      }
    } : {},
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  # No data means no traffic, or none of the counted events (bypass, timeouts, corrupt entries): not a fault.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions

  tags = var.tags
}

# A message in a failure queue is a stream batch Lambda gave up on: those writes never reached the
# cache (README.md, Deploy to AWS, says what to do). One datapoint is enough. SQS stops publishing a
# queue's metrics after six hours without API calls even while it holds messages, so missing data keeps
# the alarm in its state ("ignore") instead of clearing it.
resource "aws_cloudwatch_metric_alarm" "failure_queue" {
  for_each = toset(var.failure_queue_names)

  alarm_name          = "${var.name}-${each.value}-messages"
  alarm_description   = "${each.value} holds stream batches Lambda gave up on (retries or record age exhausted): their writes never reached the cache. Read the messages, fix the cause, then drop the affected entries (README.md, Deploy to AWS)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  period              = 60
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  treat_missing_data  = "ignore"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# The hit ratio is a metric-math expression, so it needs its own alarm shape.
resource "aws_cloudwatch_metric_alarm" "hit_ratio" {
  alarm_name          = "${var.name}-cache-hit-ratio"
  alarm_description   = "Fewer than ${var.hit_ratio_alarm_percent}% of reads are served from the cache (fresh or stale): DynamoDB carries most reads."
  comparison_operator = "LessThanThreshold"
  threshold           = var.hit_ratio_alarm_percent
  evaluation_periods  = 15
  datapoints_to_alarm = 10
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "ratio"
    expression  = local.hit_ratio_expression
    label       = "Served from cache"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.hit_ratio_inputs

    content {
      id = metric_query.key

      metric {
        namespace   = var.metrics_namespace
        metric_name = metric_query.value
        dimensions  = { service = var.service_name }
        period      = 60
        stat        = "Sum"
      }
    }
  }

  tags = var.tags
}
