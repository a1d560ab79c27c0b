# A root module using the storage module: one private bucket, named and otherwise left to the
# module's defaults. The optional variables below are null (the module's default) unless set with
# -var; the tests use them to plan other shapes.
# Plan it offline with `npm test` (infra/terraform-modules), or for real with your own credentials.

terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = {
      Project     = "payments"
      Environment = "dev"
      ManagedBy   = "terraform"
    }
  }
}

variable "name" {
  description = "The bucket's exact, globally unique name."
  type        = string
  default     = "payments-dev-uploads-123456789012-eu-west-1"
}

variable "versioning" {
  description = "Keep every version of every object (null: the module's default, true)."
  type        = bool
  default     = null
}

variable "kms_key_arn" {
  description = "A KMS key to encrypt with; null: SSE-S3."
  type        = string
  default     = null
}

variable "noncurrent_version_expiration_days" {
  description = "Days to keep replaced versions (null: the module's default, 30)."
  type        = number
  default     = null
}

variable "lifecycle_rules" {
  description = "Extra lifecycle rules: expiry and storage-class transitions (null: none)."
  type        = any
  default     = null
}

variable "cors_rules" {
  description = "Browser origins allowed to call the bucket (null: none)."
  type        = any
  default     = null
}

variable "object_lock" {
  description = "Object Lock mode and retention; null: none."
  type        = any
  default     = null
}

variable "intelligent_tiering_archive" {
  description = "Intelligent-Tiering archive tiers; null: none."
  type        = any
  default     = null
}

variable "event_bridge" {
  description = "Send the bucket's events to EventBridge (null: the module's default, false)."
  type        = bool
  default     = null
}

module "storage" {
  source = "../../storage"

  name = var.name

  versioning                         = var.versioning
  kms_key_arn                        = var.kms_key_arn
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  lifecycle_rules                    = var.lifecycle_rules
  cors_rules                         = var.cors_rules
  object_lock                        = var.object_lock
  intelligent_tiering_archive        = var.intelligent_tiering_archive
  event_bridge                       = var.event_bridge
  tags                               = { CostCenter = "payments" }
}

output "bucket_name" {
  value = module.storage.bucket_name
}

output "bucket_arn" {
  value = module.storage.bucket_arn
}
