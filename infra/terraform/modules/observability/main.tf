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

  widgets = [
    {
      title   = "Cache hits, misses, stale, bypass (count)"
      stat    = "Sum"
      metrics = [for m in ["CacheHits", "CacheMisses", "CacheStale", "CacheBypass"] : concat([local.app.namespace, m], local.app.dimensions)]
    },
    {
      title = "Cache hit ratio (%)"
      stat  = "Sum"
      metrics = [
        [{ expression = "100 * hits / (hits + misses)", label = "Hit ratio", id = "ratio" }],
        concat([local.app.namespace, "CacheHits"], local.app.dimensions, [{ id = "hits", visible = false }]),
        concat([local.app.namespace, "CacheMisses"], local.app.dimensions, [{ id = "misses", visible = false }]),
      ]
    },
    {
      title   = "DynamoDB read units consumed by the app"
      stat    = "Sum"
      metrics = [concat([local.app.namespace, "DynamoDBReadUnits"], local.app.dimensions)]
    },
    { title = local.serverless ? "Cache data stored (bytes)" : "Cache memory used (%)", stat = "Maximum", metrics = local.cache_metric.memory },
    { title = "Cache evictions", stat = "Sum", metrics = local.cache_metric.evictions },
    { title = local.serverless ? "Cache ECPUs" : "Cache engine CPU (%)", stat = local.serverless ? "Sum" : "Maximum", metrics = local.cache_metric.cpu },
    { title = "Cache client connections", stat = "Maximum", metrics = local.cache_metric.connections },
    { title = "Lambda p99 duration (ms)", stat = "p99", metrics = [for f in var.function_names : ["AWS/Lambda", "Duration", "FunctionName", f]] },
    {
      title   = "Lambda errors and throttles"
      stat    = "Sum"
      metrics = flatten([for f in var.function_names : [["AWS/Lambda", "Errors", "FunctionName", f], ["AWS/Lambda", "Throttles", "FunctionName", f]]])
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
  # No data means no traffic (or no bypass), not a fault.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions

  tags = var.tags
}

# The hit ratio is a metric-math expression, so it needs its own alarm shape.
resource "aws_cloudwatch_metric_alarm" "hit_ratio" {
  alarm_name          = "${var.name}-cache-hit-ratio"
  alarm_description   = "The cache hit ratio is below ${var.hit_ratio_alarm_percent}%: DynamoDB carries most reads."
  comparison_operator = "LessThanThreshold"
  threshold           = var.hit_ratio_alarm_percent
  evaluation_periods  = 15
  datapoints_to_alarm = 10
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "ratio"
    expression  = "100 * hits / (hits + misses)"
    label       = "Hit ratio"
    return_data = true
  }

  metric_query {
    id = "hits"

    metric {
      namespace   = var.metrics_namespace
      metric_name = "CacheHits"
      dimensions  = { service = var.service_name }
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "misses"

    metric {
      namespace   = var.metrics_namespace
      metric_name = "CacheMisses"
      dimensions  = { service = var.service_name }
      period      = 60
      stat        = "Sum"
    }
  }

  tags = var.tags
}
