# DAX is the alternative to Aside's own cache: a write-through, DynamoDB-API-compatible item cache.
# The cluster always speaks TLS (port 9111, daxs://) and encrypts at rest.

# No aws:SourceAccount condition: AWS documents none for the DAX service role (its examples trust the
# bare service principal), and a condition DAX does not send would make cluster creation fail.
data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "DaxAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["dax.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-dax"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "table_access" {
  statement {
    sid       = "DaxReadsTable"
    actions   = var.dynamodb_actions
    resources = [var.table_arn]
  }
}

resource "aws_iam_role_policy" "table_access" {
  name   = "table-access"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.table_access.json
}

resource "aws_dax_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_dax_parameter_group" "this" {
  name = var.name

  parameters {
    name  = "record-ttl-millis"
    value = tostring(var.item_ttl_seconds * 1000)
  }

  parameters {
    name  = "query-ttl-millis"
    value = tostring(var.item_ttl_seconds * 1000)
  }
}

resource "aws_dax_cluster" "this" {
  cluster_name                     = var.name
  description                      = "Aside DAX alternative to the Redis cache"
  node_type                        = var.node_type
  replication_factor               = var.replication_factor
  iam_role_arn                     = aws_iam_role.this.arn
  subnet_group_name                = aws_dax_subnet_group.this.name
  security_group_ids               = var.security_group_ids
  parameter_group_name             = aws_dax_parameter_group.this.name
  cluster_endpoint_encryption_type = "TLS"

  server_side_encryption {
    enabled = true
  }

  tags = var.tags

  # DAX validates the role when the cluster is created.
  depends_on = [aws_iam_role_policy.table_access]
}
