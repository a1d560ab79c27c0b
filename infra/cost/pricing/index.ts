/**
 * Which pricer handles which resource type, and the types that cost nothing themselves (each with
 * the reason). A type in neither list is reported as "not priced".
 */
import type { NoCharge, Pricer } from "../line.js";
import { ecrRepository, ecsCluster, ecsService } from "./containers.js";
import { automatedBackupsReplication, dbInstance, dynamodbTable } from "./databases.js";
import { cloudfrontFunction, distribution, hostedZone, record } from "./edge.js";
import { efsFileSystem } from "./file-systems.js";
import { autoscalingGroup } from "./instances.js";
import { loadBalancer } from "./load-balancing.js";
import { budget, compositeAlarm, dashboard, logGroup, metricAlarm } from "./monitoring.js";
import { elasticIp, flowLog, natGateway, vpcEndpoint } from "./network.js";
import {
  accessAnalyzer,
  cloudTrail,
  guardDutyDetector,
  guardDutyFeature,
  kmsKey,
  secret,
  ssmParameter,
  webAcl,
} from "./security.js";
import { s3Bucket, s3IntelligentTiering, s3LifecycleConfiguration, s3Replication } from "./storage.js";

export const PRICERS: Readonly<Record<string, Pricer>> = {
  aws_nat_gateway: natGateway,
  aws_eip: elasticIp,
  aws_vpc_endpoint: vpcEndpoint,
  aws_flow_log: flowLog,
  aws_lb: loadBalancer,
  aws_alb: loadBalancer,
  aws_ecs_service: ecsService,
  aws_ecs_cluster: ecsCluster,
  aws_ecr_repository: ecrRepository,
  aws_autoscaling_group: autoscalingGroup,
  aws_db_instance: dbInstance,
  aws_db_instance_automated_backups_replication: automatedBackupsReplication,
  aws_dynamodb_table: dynamodbTable,
  aws_s3_bucket: s3Bucket,
  aws_s3_bucket_lifecycle_configuration: s3LifecycleConfiguration,
  aws_s3_bucket_intelligent_tiering_configuration: s3IntelligentTiering,
  aws_s3_bucket_replication_configuration: s3Replication,
  aws_efs_file_system: efsFileSystem,
  aws_cloudwatch_metric_alarm: metricAlarm,
  aws_cloudwatch_composite_alarm: compositeAlarm,
  aws_cloudwatch_dashboard: dashboard,
  aws_cloudwatch_log_group: logGroup,
  aws_budgets_budget: budget,
  aws_kms_key: kmsKey,
  aws_secretsmanager_secret: secret,
  aws_ssm_parameter: ssmParameter,
  aws_wafv2_web_acl: webAcl,
  aws_cloudtrail: cloudTrail,
  aws_guardduty_detector: guardDutyDetector,
  aws_guardduty_detector_feature: guardDutyFeature,
  aws_accessanalyzer_analyzer: accessAnalyzer,
  aws_cloudfront_distribution: distribution,
  aws_cloudfront_function: cloudfrontFunction,
  aws_route53_zone: hostedZone,
  aws_route53_record: record,
};

const free = (reason: string): NoCharge => ({ free: reason });
const CONFIGURATION = free("configuration of another resource, no charge of its own");
const NETWORK = free("VPC networking object, no charge");
const IAM = free("IAM has no charge");

export const NO_CHARGE: Readonly<Record<string, NoCharge>> = {
  aws_vpc: NETWORK,
  aws_subnet: NETWORK,
  aws_route_table: NETWORK,
  aws_route_table_association: NETWORK,
  aws_route: NETWORK,
  aws_internet_gateway: free("no charge (data transfer out is billed per GB, not estimated)"),
  aws_security_group: NETWORK,
  aws_default_security_group: NETWORK,
  aws_security_group_rule: NETWORK,
  aws_vpc_security_group_ingress_rule: NETWORK,
  aws_vpc_security_group_egress_rule: NETWORK,
  aws_network_acl: NETWORK,
  aws_egress_only_internet_gateway: free(
    "no charge (IPv6 data transfer out is billed per GB, not estimated)",
  ),
  aws_vpc_ipv4_cidr_block_association: NETWORK,
  aws_iam_role: IAM,
  aws_iam_role_policy: IAM,
  aws_iam_policy: IAM,
  aws_iam_role_policy_attachment: IAM,
  aws_iam_openid_connect_provider: IAM,
  aws_iam_service_linked_role: IAM,
  aws_s3_bucket_public_access_block: CONFIGURATION,
  aws_s3_bucket_ownership_controls: CONFIGURATION,
  aws_s3_bucket_versioning: CONFIGURATION,
  aws_s3_bucket_server_side_encryption_configuration: CONFIGURATION,
  aws_s3_bucket_notification: free(
    "S3 events on EventBridge's default bus have no charge; the rules' targets are billed on their own",
  ),
  aws_s3_bucket_policy: CONFIGURATION,
  aws_s3_bucket_cors_configuration: CONFIGURATION,
  aws_db_subnet_group: CONFIGURATION,
  aws_db_parameter_group: CONFIGURATION,
  aws_ecs_task_definition: free("billed through the service that runs it"),
  aws_ecs_cluster_capacity_providers: free(
    "associates capacity providers; Fargate tasks are billed per service, EC2 capacity per instance",
  ),
  aws_launch_template: free("billed as the instances and volumes an autoscaling group launches from it"),
  aws_ecs_capacity_provider: free("no charge; its autoscaling group's instances are priced"),
  aws_iam_instance_profile: IAM,
  aws_ecr_lifecycle_policy: CONFIGURATION,
  aws_ecr_repository_policy: CONFIGURATION,
  aws_appautoscaling_target: CONFIGURATION,
  aws_appautoscaling_policy: CONFIGURATION,
  aws_appautoscaling_scheduled_action: CONFIGURATION,
  aws_efs_mount_target: free("no charge of its own; storage is billed on the file system"),
  aws_efs_access_point: CONFIGURATION,
  aws_efs_file_system_policy: CONFIGURATION,
  aws_efs_backup_policy: free(
    "turns on AWS Backup for the file system; backup storage (warm, per GB-month) is not estimated",
  ),
  aws_scheduler_schedule: free(
    "EventBridge Scheduler: $1.00 per million invocations after 14 million free a month; a few scheduled runs a day cost nothing measurable",
  ),
  aws_lb_listener: free("billed through the load balancer's hours and LCUs"),
  aws_lb_listener_rule: free("billed through the load balancer's LCUs"),
  aws_lb_listener_certificate: CONFIGURATION,
  aws_lb_target_group: free("billed through the load balancer's LCUs"),
  aws_acm_certificate: free("public ACM certificates have no charge"),
  aws_acm_certificate_validation: CONFIGURATION,
  aws_cloudfront_origin_access_control: CONFIGURATION,
  aws_cloudfront_response_headers_policy: CONFIGURATION,
  aws_cloudfront_vpc_origin: free(
    "CloudFront VPC origins have no charge of their own (requests are billed on the distribution)",
  ),
  aws_cloudfront_cache_policy: CONFIGURATION,
  aws_cloudfront_origin_request_policy: CONFIGURATION,
  aws_wafv2_web_acl_association: CONFIGURATION,
  aws_wafv2_web_acl_logging_configuration: free("billed as ingestion into the destination log group"),
  aws_cloudwatch_log_delivery: free("billed as ingestion into the destination log group"),
  aws_cloudwatch_log_delivery_source: CONFIGURATION,
  aws_cloudwatch_log_delivery_destination: CONFIGURATION,
  aws_cloudwatch_log_resource_policy: CONFIGURATION,
  aws_kms_alias: CONFIGURATION,
  aws_secretsmanager_secret_version: free("billed through its secret"),
  aws_secretsmanager_secret_rotation: free(
    "a rotation schedule has no charge; RDS rotates its managed secrets itself (no Lambda to bill)",
  ),
  aws_sns_topic: free("no monthly charge; publishes and email deliveries at alarm volumes cost under $0.01"),
  aws_sns_topic_policy: CONFIGURATION,
  aws_sns_topic_subscription: CONFIGURATION,
  aws_cloudwatch_log_metric_filter: free(
    "no charge of its own; its metric is billed as a custom metric only in hours a matching event publishes to it (no default value), cents at most",
  ),
  aws_cloudwatch_event_rule: free("rules on AWS service events (the default bus) have no charge"),
  aws_cloudwatch_event_target: free("delivery billed as SNS publishes: under $0.01 at findings volumes"),
  aws_s3_bucket_logging: free(
    "server access log delivery has no charge; the logs are stored, and priced, in the target bucket",
  ),
  aws_s3_bucket_object_lock_configuration: free(
    "no charge; locked versions are stored, and priced, in the bucket",
  ),
  aws_s3_account_public_access_block: free("an account setting, no charge"),
  aws_ebs_encryption_by_default: free(
    "an account setting; encrypted volumes cost the same as unencrypted ones",
  ),
};
