# A root module using the edge module: an HTTPS-only load balancer with WAF in existing public
# subnets, and optionally CloudFront in front of it. The ids are literals so that it plans offline;
# in a real root module they come from the network module (module.network.vpc_id, ...).
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

# CloudFront's certificate, web ACL and access logs must be created in us-east-1. The module needs
# this configuration even with create_cloudfront = false.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
  default_tags {
    tags = {
      Project     = "payments"
      Environment = "dev"
      ManagedBy   = "terraform"
    }
  }
}

variable "create_cloudfront" {
  description = "Put CloudFront in front of the load balancer."
  type        = bool
  default     = false
}

variable "cloudfront_domain_name" {
  description = "The name CloudFront serves (with create_cloudfront)."
  type        = string
  default     = null
}

variable "domain_name" {
  description = "The load balancer's own name."
  type        = string
  default     = "origin.payments-dev.example.com"
}

variable "create_waf" {
  description = "Put the load balancer behind a regional WAF web ACL."
  type        = bool
  default     = true
}

variable "waf_rate_limit" {
  description = "Requests per client per 5 minutes before WAF blocks."
  type        = number
  default     = 2000
}

variable "subnet_ids" {
  description = "Public subnets, in two availability zones or more."
  type        = list(string)
  default     = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
}

module "edge" {
  source = "../../edge"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name        = "payments-dev"
  vpc_id      = "vpc-0123456789abcdef0"
  subnet_ids  = var.subnet_ids
  domain_name = var.domain_name
  zone_id     = "Z0123456789ABCDEFGHIJ"

  create_cloudfront      = var.create_cloudfront
  cloudfront_domain_name = var.cloudfront_domain_name
  create_waf             = var.create_waf
  waf_rate_limit         = var.waf_rate_limit
  tags                   = { CostCenter = "payments" }
}

output "lb_dns_name" {
  value = module.edge.lb_dns_name
}

output "https_listener_arn" {
  value = module.edge.https_listener_arn
}

output "cloudfront_distribution_id" {
  value = module.edge.cloudfront_distribution_id
}
