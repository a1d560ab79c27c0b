# A root module using the compute module: one Fargate service in private subnets of an existing VPC,
# in a cluster of its own. Plan it offline with `npm test` (infra/terraform-modules), or for real with
# your own VPC, subnets, image and credentials.

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

variable "image" {
  description = "The image to run: an ECR image URI with a tag or a digest."
  type        = string
  default     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:3f2c1a9"
}

variable "cluster_arn" {
  description = "An existing cluster to run in; null creates one."
  type        = string
  default     = null
}

variable "cpu" {
  description = "Task CPU units."
  type        = number
  default     = 256
}

variable "memory" {
  description = "Task memory in MiB."
  type        = number
  default     = 512
}

variable "container_port" {
  description = "The port the application listens on."
  type        = number
  default     = 8080
}

variable "environment" {
  description = "Plain environment variables."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables injected from Secrets Manager."
  type = map(object({
    secret_arn  = string
    json_key    = optional(string)
    kms_key_arn = optional(string)
  }))
  default = {}
}

variable "target_group_arn" {
  description = "A target group to register the tasks in; null: no load balancer."
  type        = string
  default     = null
}

variable "request_count_resource_label" {
  description = "<alb arn_suffix>/<target group arn_suffix>, for request-count scaling."
  type        = string
  default     = null
}

variable "autoscaling" {
  description = "Target-tracking autoscaling; null: a fixed count."
  type = object({
    min_count           = number
    max_count           = number
    cpu_target_percent  = optional(number, 60)
    requests_per_target = optional(number)
  })
  default = null
}

variable "cpu_architecture" {
  description = "X86_64, or ARM64 (Graviton: about 20 % cheaper; not on Fargate Spot)."
  type        = string
  default     = "X86_64"
}

variable "capacity_provider_strategy" {
  description = "FARGATE / FARGATE_SPOT with base and weight; null: the FARGATE launch type."
  type = list(object({
    capacity_provider = string
    base              = optional(number, 0)
    weight            = number
  }))
  default = null
}

variable "enable_execute_command" {
  description = "Allow aws ecs execute-command into the tasks."
  type        = bool
  default     = false
}

module "service" {
  source = "../../compute"

  name       = "payments-dev"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  image      = var.image

  container_port               = var.container_port
  cluster_arn                  = var.cluster_arn
  cpu                          = var.cpu
  memory                       = var.memory
  cpu_architecture             = var.cpu_architecture
  capacity_provider_strategy   = var.capacity_provider_strategy
  environment                  = var.environment
  secrets                      = var.secrets
  target_group_arn             = var.target_group_arn
  request_count_resource_label = var.request_count_resource_label
  autoscaling                  = var.autoscaling
  enable_execute_command       = var.enable_execute_command
  tags                         = { CostCenter = "payments" }
}

output "service_name" {
  value = module.service.service_name
}

output "cluster_arn" {
  value = module.service.cluster_arn
}

output "security_group_id" {
  value = module.service.security_group_id
}

output "task_role_arn" {
  value = module.service.task_role_arn
}
