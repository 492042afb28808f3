# A private-only network: the functions reach DynamoDB through a gateway endpoint and Secrets Manager
# through an interface endpoint, so there is no internet gateway and no NAT to pay for or to leak through.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # One /20 per zone leaves room for Lambda's ENIs (one per subnet/security-group pair) and cache nodes.
  private_subnet_cidrs = [for index, _ in var.availability_zones : cidrsubnet(var.vpc_cidr, 4, index)]
  redis_ports          = toset([for port in var.redis_ports : tostring(port)])
  dax_enabled          = var.dax_port != null
}

resource "aws_vpc" "this" {
  cidr_block = var.vpc_cidr
  # Both are required for the private DNS names of interface endpoints (Secrets Manager).
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name })
}

# Take over the default security group and leave it without rules: anything attached to it by
# mistake can neither send nor receive.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-default-deny" })
}

resource "aws_subnet" "private" {
  count = length(var.availability_zones)

  vpc_id                  = aws_vpc.this.id
  cidr_block              = local.private_subnet_cidrs[count.index]
  availability_zone       = var.availability_zones[count.index]
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name}-private-${var.availability_zones[count.index]}" })
}

resource "aws_route_table" "private" {
  count = length(var.availability_zones)

  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-private-${var.availability_zones[count.index]}" })
}

resource "aws_route_table_association" "private" {
  count = length(var.availability_zones)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# Gateway endpoints are free and add a route to DynamoDB's prefix list on every private route table.
resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id

  policy = data.aws_iam_policy_document.dynamodb_endpoint.json

  tags = merge(var.tags, { Name = "${var.name}-dynamodb" })
}

# What may pass through the gateway endpoint: the item actions the functions use, on the stack's tables,
# by this account's principals. Their roles narrow it further per function; the table's stream is read by
# Lambda's poller, outside the VPC.
data "aws_iam_policy_document" "dynamodb_endpoint" {
  statement {
    sid       = "StackTableItems"
    actions   = var.dynamodb_endpoint_actions
    resources = var.dynamodb_table_arns

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# The functions read the Redis AUTH token at cold start; without NAT they need this endpoint.
resource "aws_vpc_endpoint" "secretsmanager" {
  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${data.aws_region.current.region}.secretsmanager"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
  policy              = data.aws_iam_policy_document.secretsmanager_endpoint.json

  tags = merge(var.tags, { Name = "${var.name}-secretsmanager" })
}

# Only reads of the stack's secrets (the Redis token), by this account's principals.
data "aws_iam_policy_document" "secretsmanager_endpoint" {
  statement {
    sid       = "ReadStackSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = var.secret_arns

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# ---------------------------------------------------------------- flow logs

# Every accepted and rejected flow of the VPC, to an encrypted log group with a retention.
resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/aws/vpc/${var.name}/flow-logs"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "assume_flow_logs" {
  statement {
    sid     = "VpcFlowLogsAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    # Only flow logs of this account (confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:ec2:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:vpc-flow-log/*"]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${var.name}-vpc-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.assume_flow_logs.json

  tags = var.tags
}

data "aws_iam_policy_document" "flow_logs" {
  statement {
    sid       = "WriteFlowLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow_logs.arn}:*"]
  }
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "write-flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.flow_logs.json
}

resource "aws_flow_log" "this" {
  vpc_id                   = aws_vpc.this.id
  traffic_type             = "ALL"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn             = aws_iam_role.flow_logs.arn
  max_aggregation_interval = 600

  tags = merge(var.tags, { Name = var.name })

  depends_on = [aws_iam_role_policy.flow_logs]
}

# Security groups are declared without inline rules (Terraform then removes AWS's default
# allow-all egress); every permitted flow is one rule below.

resource "aws_security_group" "lambda" {
  name        = "${var.name}-lambda"
  description = "Aside functions: egress only to the cache, DynamoDB, Secrets Manager (and DAX)"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-lambda" })
}

resource "aws_security_group" "redis" {
  name        = "${var.name}-redis"
  description = "Aside cache: ingress only from the functions"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-redis" })
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-endpoints"
  description = "Interface VPC endpoints: HTTPS only from the functions"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-endpoints" })
}

resource "aws_security_group" "dax" {
  count = local.dax_enabled ? 1 : 0

  name        = "${var.name}-dax"
  description = "Aside DAX cluster: ingress only from the functions"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-dax" })
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_redis" {
  for_each = local.redis_ports

  security_group_id            = aws_security_group.lambda.id
  description                  = "Redis/Valkey over TLS"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  referenced_security_group_id = aws_security_group.redis.id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_dynamodb" {
  security_group_id = aws_security_group.lambda.id
  description       = "DynamoDB through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.dynamodb.prefix_list_id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_endpoints" {
  security_group_id            = aws_security_group.lambda.id
  description                  = "Secrets Manager interface endpoint"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_dax" {
  count = local.dax_enabled ? 1 : 0

  security_group_id            = aws_security_group.lambda.id
  description                  = "DAX cluster"
  ip_protocol                  = "tcp"
  from_port                    = var.dax_port
  to_port                      = var.dax_port
  referenced_security_group_id = aws_security_group.dax[0].id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_lambda" {
  for_each = local.redis_ports

  security_group_id            = aws_security_group.redis.id
  description                  = "Redis/Valkey from the functions"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  referenced_security_group_id = aws_security_group.lambda.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_lambda" {
  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS from the functions"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.lambda.id
}

resource "aws_vpc_security_group_ingress_rule" "dax_from_lambda" {
  count = local.dax_enabled ? 1 : 0

  security_group_id            = aws_security_group.dax[0].id
  description                  = "DAX from the functions"
  ip_protocol                  = "tcp"
  from_port                    = var.dax_port
  to_port                      = var.dax_port
  referenced_security_group_id = aws_security_group.lambda.id
}
