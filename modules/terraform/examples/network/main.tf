# A root module using the network module: two zones, one shared NAT gateway.
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

variable "availability_zones" {
  description = "Zones to spread the subnets over."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b"]
}

variable "nat_mode" {
  description = "none, single or per_az."
  type        = string
  default     = "single"
}

variable "public_subnets" {
  description = "Explicit public ranges (empty: computed)."
  type        = list(string)
  default     = []
}

variable "cidr" {
  description = "The VPC's range."
  type        = string
  default     = "10.40.0.0/16"
}

module "network" {
  source = "../../network"

  name               = "payments-dev"
  cidr               = var.cidr
  availability_zones = var.availability_zones
  nat_mode           = var.nat_mode
  public_subnets     = var.public_subnets
  tags               = { CostCenter = "payments" }
}

output "vpc_id" {
  value = module.network.vpc_id
}

output "private_subnet_ids" {
  value = module.network.private_subnet_ids
}
