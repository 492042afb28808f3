data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  routes = { for route in var.routes : "${route.method} ${route.path}" => route }

  # Every prefix of every route path is an API Gateway resource: /product, /product/{productId}.
  resource_paths = toset(flatten([
    for route in var.routes : [
      for depth in range(1, length(split("/", route.path))) :
      join("/", slice(split("/", route.path), 0, depth + 1))
    ]
  ]))
  resource_tree = {
    for path in local.resource_paths : path => {
      depth  = length(split("/", path)) - 1
      parent = join("/", slice(split("/", path), 0, length(split("/", path)) - 1))
      part   = element(split("/", path), length(split("/", path)) - 1)
    }
  }
}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "Aside: DynamoDB items through a Redis cache"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags
}

# A resource cannot name its own siblings as parents, so the tree is built one depth at a time
# (routes are validated to at most four segments).
resource "aws_api_gateway_resource" "depth_1" {
  for_each = { for path, node in local.resource_tree : path => node if node.depth == 1 }

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.value.part
}

resource "aws_api_gateway_resource" "depth_2" {
  for_each = { for path, node in local.resource_tree : path => node if node.depth == 2 }

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth_1[each.value.parent].id
  path_part   = each.value.part
}

resource "aws_api_gateway_resource" "depth_3" {
  for_each = { for path, node in local.resource_tree : path => node if node.depth == 3 }

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth_2[each.value.parent].id
  path_part   = each.value.part
}

resource "aws_api_gateway_resource" "depth_4" {
  for_each = { for path, node in local.resource_tree : path => node if node.depth == 4 }

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth_3[each.value.parent].id
  path_part   = each.value.part
}

locals {
  resource_ids = merge(
    { for path, resource in aws_api_gateway_resource.depth_1 : path => resource.id },
    { for path, resource in aws_api_gateway_resource.depth_2 : path => resource.id },
    { for path, resource in aws_api_gateway_resource.depth_3 : path => resource.id },
    { for path, resource in aws_api_gateway_resource.depth_4 : path => resource.id },
  )
}

resource "aws_api_gateway_method" "this" {
  for_each = local.routes

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = local.resource_ids[each.value.path]
  http_method   = each.value.method
  authorization = each.value.authorization
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.this[each.key].resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.functions[each.value.function].invoke_arn
}

# One permission per route, limited to this API, this stage, this method and this path
# (path parameters become wildcards).
resource "aws_lambda_permission" "this" {
  for_each = local.routes

  statement_id  = "apigateway-${substr(sha1(each.key), 0, 16)}"
  action        = "lambda:InvokeFunction"
  function_name = var.functions[each.value.function].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/${var.stage_name}/${each.value.method == "ANY" ? "*" : each.value.method}${replace(each.value.path, "/\\{[^/]+\\}/", "*")}"
}

# A method or path with no API Gateway method would get API Gateway's 403 "Missing Authentication
# Token". Answer 404 with the app's own JSON instead, as the app does for an unknown route. Unsigned
# calls to AWS_IAM routes get the same answer, which tells a caller nothing about which routes exist.
resource "aws_api_gateway_gateway_response" "missing_authentication_token" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = "MISSING_AUTHENTICATION_TOKEN"
  status_code   = "404"

  response_templates = {
    "application/json" = jsonencode({ message = "Not found" })
  }

  response_parameters = {
    "gatewayresponse.header.Content-Type" = "'application/json'"
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A deployment is a snapshot: take a new one whenever a route, resource, method, integration or
  # gateway response changes.
  triggers = {
    redeployment = sha1(jsonencode([
      local.routes,
      local.resource_ids,
      [for method in aws_api_gateway_method.this : method.id],
      [for integration in aws_api_gateway_integration.this : [integration.id, integration.uri]],
      [
        aws_api_gateway_gateway_response.missing_authentication_token.id,
        aws_api_gateway_gateway_response.missing_authentication_token.status_code,
        aws_api_gateway_gateway_response.missing_authentication_token.response_templates,
        aws_api_gateway_gateway_response.missing_authentication_token.response_parameters,
      ],
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# API Gateway writes logs with a role set once per account and region. No aws:SourceAccount
# condition: AWS documents none for this role (its own examples trust the bare service principal), and
# a condition the service does not send would silently stop the access logs.
data "aws_iam_policy_document" "assume_cloudwatch" {
  statement {
    sid     = "ApiGatewayAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  count = var.manage_account_logging_role ? 1 : 0

  name               = "${var.name}-apigateway-logs"
  assume_role_policy = data.aws_iam_policy_document.assume_cloudwatch.json

  tags = var.tags
}

data "aws_iam_policy_document" "cloudwatch" {
  # The role serves every REST API of this account and region, so it is scoped to the region's log
  # groups rather than to this API's.
  statement {
    sid = "ApiGatewayWritesLogs"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:*",
    ]
  }
}

resource "aws_iam_role_policy" "cloudwatch" {
  count = var.manage_account_logging_role ? 1 : 0

  name   = "write-logs"
  role   = aws_iam_role.cloudwatch[0].id
  policy = data.aws_iam_policy_document.cloudwatch.json
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_logging_role ? 1 : 0

  # Provider 6.x always resets the account setting on destroy (reset_on_delete was removed).
  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn

  depends_on = [aws_iam_role_policy.cloudwatch]
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      sourceIp           = "$context.identity.sourceIp"
      userArn            = "$context.identity.userArn"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      path               = "$context.path"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationError   = "$context.integrationErrorMessage"
      wafResponse        = "$context.wafResponseCode"
      xrayTraceId        = "$context.xrayTraceId"
    })
  }

  tags = var.tags

  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    # Execution logs would go to a group API Gateway creates without retention or encryption;
    # the access log above carries what operations need.
    logging_level      = "OFF"
    data_trace_enabled = false
  }
}

resource "aws_wafv2_web_acl" "this" {
  count = var.waf_enabled ? 1 : 0

  name  = var.name
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 0

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit_per_5_minutes
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-common-rules"
    priority = 1

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 2

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.waf_enabled ? 1 : 0

  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this[0].arn
}
