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

variable "interface_endpoints" {
  description = "Interface endpoints by service short name (empty: none)."
  type        = list(string)
  default     = []
}

variable "secondary_cidrs" {
  description = "Further ranges for the VPC (empty: none)."
  type        = list(string)
  default     = []
}

variable "public_subnet_tags" {
  description = "Extra tags on the public subnets."
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Extra tags on the private subnets."
  type        = map(string)
  default     = {}
}

module "network" {
  source = "../../network"

  name                = "payments-dev"
  cidr                = var.cidr
  availability_zones  = var.availability_zones
  nat_mode            = var.nat_mode
  public_subnets      = var.public_subnets
  interface_endpoints = var.interface_endpoints
  secondary_cidrs     = var.secondary_cidrs
  public_subnet_tags  = var.public_subnet_tags
  private_subnet_tags = var.private_subnet_tags
  tags                = { CostCenter = "payments" }
}

output "vpc_id" {
  value = module.network.vpc_id
}

output "private_subnet_ids" {
  value = module.network.private_subnet_ids
}
