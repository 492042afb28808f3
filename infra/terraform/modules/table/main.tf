resource "aws_dynamodb_table" "this" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "productId"

  attribute {
    name = "productId"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  # The stream function applies every change, the API's and others'; it needs both images to compare versions.
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  # The API's DELETE leaves a tombstone (src/adapters/dynamodb/tombstone.ts) that keeps the deleted
  # item's place in the version order; DynamoDB removes it a day later by this attribute.
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  deletion_protection_enabled = var.deletion_protection

  tags = var.tags
}
