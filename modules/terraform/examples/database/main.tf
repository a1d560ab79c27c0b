# A root module using the database module in a network from the network module: two zones, no NAT
# (the database needs no route out). Only the database module's required variables are set; the
# variables below default to null or [], which leaves the module's own defaults in place.
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

variable "multi_az" {
  description = "A standby in a second zone; null: the module's default (false)."
  type        = bool
  default     = null
}

variable "allowed_security_group_ids" {
  description = "Groups that may connect on 5432."
  type        = list(string)
  default     = []
}

variable "instance_class" {
  description = "The RDS instance class; null: the module's default."
  type        = string
  default     = null
}

variable "backup_retention_days" {
  description = "Days of automated backups; null: the module's default."
  type        = number
  default     = null
}

variable "deletion_protection" {
  description = "Protect the data; null: the module's default (true)."
  type        = bool
  default     = null
}

variable "parameters" {
  description = "More parameter-group settings, each { name, value, apply_method (optional) }."
  type        = list(map(string))
  default     = []
}

module "network" {
  source = "../../network"

  name               = "payments-dev"
  cidr               = "10.40.0.0/16"
  availability_zones = ["eu-west-1a", "eu-west-1b"]
  nat_mode           = "none"
}

module "database" {
  source = "../../database"

  name       = "payments-dev"
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.database_subnet_ids

  multi_az                   = var.multi_az
  allowed_security_group_ids = var.allowed_security_group_ids
  instance_class             = var.instance_class
  backup_retention_days      = var.backup_retention_days
  deletion_protection        = var.deletion_protection
  parameters                 = var.parameters
  tags                       = { CostCenter = "payments" }
}

output "address" {
  value = module.database.address
}

output "master_secret_arn" {
  value = module.database.master_secret_arn
}

output "security_group_id" {
  value = module.database.security_group_id
}
