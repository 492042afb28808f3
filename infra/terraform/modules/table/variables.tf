variable "name" {
  description = "Table name; the functions receive it as TABLE_NAME."
  type        = string
  default     = "Products"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3-255 letters, digits, underscores, dots or dashes."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the table (also through terraform destroy). Turn off only to tear a stack down."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for server-side encryption; null uses the AWS managed key aws/dynamodb (no key policy or grants to manage)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource in this module."
  type        = map(string)
  default     = {}
}
