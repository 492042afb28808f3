# Where the event source mapping sends a record of every batch it gives up on (retries or record
# age exhausted). Lambda sends only metadata (shard, sequence number range, times, the error), never
# the items. Encrypted with the stack's key: the stream function's role has kms:GenerateDataKey and
# kms:Decrypt on it through SQS (environments/example), as SendMessage to an encrypted queue needs.
resource "aws_sqs_queue" "failures" {
  name                              = "${var.name}-stream-failures"
  message_retention_seconds         = var.failure_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = var.tags
}

# The queue is reached over TLS only. Who may send is decided by IAM (the stream function's role,
# in this account); nothing here grants access.
data "aws_iam_policy_document" "failures" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.failures.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "failures" {
  queue_url = aws_sqs_queue.failures.id
  policy    = data.aws_iam_policy_document.failures.json
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn = var.stream_arn
  function_name    = var.function_name

  # LATEST, not TRIM_HORIZON. On a new stack the cache is empty: nothing to catch up. When the
  # mapping is replaced, the writes made in the gap are not applied, but every entry they would have
  # corrected is refreshed from the table once its TTL (cache_ttl_seconds) ends. TRIM_HORIZON would
  # replay up to 24 hours of records instead, and every one older than maximum_record_age_seconds
  # would be discarded to the failure queue at once, paging for no fault.
  starting_position = var.starting_position

  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_seconds

  # One batch in flight per shard. Lambda keeps the order of one item's records at any factor, but
  # one at a time is what the handler is tested for, it bounds the function's concurrency (and its
  # Redis connections) to the shard count, and each record costs one Redis script: throughput is
  # not what limits the stream.
  parallelization_factor = var.parallelization_factor

  # The handler reports the records it could not apply (batchItemFailures): Lambda retries from the
  # first failed one, so the records after it, which may be the same item's, are never applied out of
  # order. A whole-batch error (timeout, crash) is split in two until the failing record is alone.
  function_response_types        = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error = true

  # Bounded, so a record that cannot be applied stops blocking its shard (and the keys after it):
  # it goes to the failure queue and an alarm pages. Splitting does not count as a retry.
  maximum_retry_attempts = var.maximum_retry_attempts

  # A record older than this is discarded to the failure queue too. The default hour is well past
  # the cache's soft TTL (300 s by default): an entry the record would have corrected has been
  # refreshed from the table by its next read since, so the record no longer matters.
  maximum_record_age_in_seconds = var.maximum_record_age_seconds

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failures.arn
    }
  }

  tags = var.tags
}
