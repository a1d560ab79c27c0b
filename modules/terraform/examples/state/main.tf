# A root module using the state module: the bucket and lock table other root modules keep their
# state in, named from `name` and otherwise left to the module's defaults. The optional variables
# below are null (the module's default) unless set with -var; the tests use them.
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
      Environment = "shared"
      ManagedBy   = "terraform"
    }
  }
}

variable "name" {
  description = "The start of the bucket's and the table's names."
  type        = string
  default     = "payments"
}

variable "kms_key_arn" {
  description = "A KMS key to encrypt state and locks with; null: SSE-S3 and an AWS-owned key."
  type        = string
  default     = null
}

variable "noncurrent_version_expiration_days" {
  description = "Days to keep superseded state versions (null: the module's default, 90)."
  type        = number
  default     = null
}

variable "protect" {
  description = "The lock table's deletion protection (null: the module's default, true)."
  type        = bool
  default     = null
}

module "state" {
  source = "../../state"

  name = var.name

  kms_key_arn                        = var.kms_key_arn
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  protect                            = var.protect
}

output "backend_config" {
  value = module.state.backend_config
}
