/**
 * What each CI role may do, as statements. `ci-access.ts` attaches them; this file is the one place
 * to read (and review) the roles' permissions.
 *
 * ARN patterns are written against the Service Authorization Reference: actions that support no
 * resource-level permission are only ever granted on `*`, listed one by one and explained.
 */
import type { PolicyStatement } from "../iam/policy.js";

/** The tag that marks a preview stack's resources (set it in the preview stack's `default_tags`). */
export const PREVIEW_TAG = { key: "Preview", value: "true" } as const;

/** Who and what the statements are scoped to. */
export interface PermissionScope {
  readonly accountId: string;
  /** Project slug: every stack's resources are named `<project>-...`. */
  readonly project: string;
  /**
   * Name prefix of the bootstrap stack (`<project>-<bootstrap env>`), whose roles the apply role
   * must never change.
   */
  readonly bootstrapPrefix: string;
  /** The state bucket's ARN, which the apply role must never reconfigure. */
  readonly stateBucketArn: string;
  /**
   * The permissions boundary every role the apply role creates or changes must carry
   * (`WorkloadBoundary`), as a literal ARN.
   */
  readonly workloadBoundaryArn: string;
  /**
   * The narrower boundary every role the preview role creates or changes must carry
   * (`PreviewWorkloadBoundary`), as a literal ARN.
   */
  readonly previewWorkloadBoundaryArn: string;
  /** Where previews run: the one environment whose cluster, load balancer and VPC they share. */
  readonly previewHost: PreviewHost;
  /** Preview DNS records live under this domain (`pr-<N>.<domain>`). */
  readonly previewDomain?: string;
  /** Preview DNS records live in this hosted zone. */
  readonly previewHostedZoneId?: string;
}

/** The environment that hosts the previews, as far as the preview role's permissions need it. */
export interface PreviewHost {
  /** Its region: previews are created there only. */
  readonly region: string;
  /** Its environment slug (`dev`): the `Environment` tag of its VPC. */
  readonly environment: string;
  /** Its ECS cluster's name: preview services and one-off tasks run there only. */
  readonly clusterName: string;
  /** Its load balancer's name: preview listener rules go on its listeners only. */
  readonly loadBalancerName: string;
}

/**
 * What `terraform plan` reads to refresh the stacks' resources: describe/get/list on resource
 * configuration only. Unlike the AWS managed `ReadOnlyAccess` it grants no data reads (S3 objects,
 * secret values, SSM parameters, DynamoDB items, log events, WAF request samples), which matters
 * for roles any pull request can use.
 */
export const TERRAFORM_READ_ACTIONS: readonly string[] = [
  "acm:DescribeCertificate",
  "acm:GetCertificate",
  "acm:ListTagsForCertificate",
  "application-autoscaling:DescribeScalableTargets",
  "application-autoscaling:DescribeScalingPolicies",
  "application-autoscaling:ListTagsForResource",
  "budgets:ViewBudget",
  "budgets:ListTagsForResource",
  "cloudfront:GetCachePolicy",
  "cloudfront:GetDistribution",
  "cloudfront:GetDistributionConfig",
  "cloudfront:GetOriginAccessControl",
  "cloudfront:GetOriginRequestPolicy",
  "cloudfront:GetResponseHeadersPolicy",
  "cloudfront:ListTagsForResource",
  "cloudwatch:DescribeAlarms",
  "cloudwatch:GetDashboard",
  "cloudwatch:ListTagsForResource",
  "dynamodb:DescribeContinuousBackups",
  "dynamodb:DescribeTable",
  "dynamodb:DescribeTimeToLive",
  "dynamodb:ListTagsOfResource",
  "ec2:Describe*",
  "ecr:DescribeRepositories",
  "ecr:GetLifecyclePolicy",
  "ecr:GetRepositoryPolicy",
  "ecr:ListTagsForResource",
  "ecs:Describe*",
  "ecs:List*",
  "elasticloadbalancing:Describe*",
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

export function readStatements(): PolicyStatement[] {
  return [{ sid: "TerraformRead", actions: TERRAFORM_READ_ACTIONS, resources: ["*"] }];
}

const requestTagged = { StringEquals: { [`aws:RequestTag/${PREVIEW_TAG.key}`]: PREVIEW_TAG.value } };
const resourceTagged = { StringEquals: { [`aws:ResourceTag/${PREVIEW_TAG.key}`]: PREVIEW_TAG.value } };

/**
 * The preview role: manages only a pull request's own resources, named `<project>-pr-*` and tagged
 * `Preview=true` — created only with the tag (`aws:RequestTag`), changed and deleted only when they
 * carry it (`aws:ResourceTag`), and tagged only while being created. Where an ARN carries no name
 * (listener rules, security groups) the tag is the scope; where a service has no tag conditions
 * (S3 buckets, DNS records) the name is.
 */
export function previewStatements(scope: PermissionScope): PolicyStatement[] {
  const { accountId: a, project: p } = scope;
  const host = scope.previewHost;
  const r = host.region;
  const pr = `${p}-pr-`;
  // Services, tasks and listener rules only in the host's cluster and on the host's load balancer:
  // the staging and prod ones are out of reach even though their names start with the project too.
  const cluster = `arn:aws:ecs:${r}:${a}:cluster/${host.clusterName}`;
  const service = `arn:aws:ecs:${r}:${a}:service/${host.clusterName}/${pr}*`;
  const taskDefinition = `arn:aws:ecs:${r}:${a}:task-definition/${pr}*:*`;
  const targetGroup = `arn:aws:elasticloadbalancing:${r}:${a}:targetgroup/${pr}*/*`;
  const listener = `arn:aws:elasticloadbalancing:${r}:${a}:listener/app/${host.loadBalancerName}/*/*`;
  const listenerRule = `arn:aws:elasticloadbalancing:${r}:${a}:listener-rule/app/${host.loadBalancerName}/*/*/*`;
  const logGroups = [
    `arn:aws:logs:${r}:${a}:log-group:/ecs/${pr}*`,
    `arn:aws:logs:${r}:${a}:log-group:${pr}*`,
  ];
  const role = `arn:aws:iam::${a}:role/${pr}*`;
  const securityGroup = `arn:aws:ec2:${r}:${a}:security-group/*`;
  const securityGroupRule = `arn:aws:ec2:${r}:${a}:security-group-rule/*`;
  const recordNames = scope.previewDomain ? `pr-*.${normaliseDomain(scope.previewDomain)}` : "pr-*";

  return [
    // ECS: the PR's service and task definitions.
    {
      sid: "CreatePreviewServices",
      actions: ["ecs:CreateService"],
      resources: [service],
      conditions: requestTagged,
    },
    {
      sid: "ChangePreviewServices",
      actions: ["ecs:UpdateService", "ecs:DeleteService"],
      resources: [service],
      conditions: resourceTagged,
    },
    {
      sid: "RegisterPreviewTaskDefinitions",
      actions: ["ecs:RegisterTaskDefinition"],
      resources: [taskDefinition],
      conditions: requestTagged,
    },
    // The preview's one-off tasks (database migrations for its own schema), in the host's cluster.
    {
      sid: "RunPreviewTasks",
      actions: ["ecs:RunTask"],
      resources: [taskDefinition],
      conditions: { ...resourceTagged, ArnEquals: { "ecs:cluster": cluster } },
    },
    {
      sid: "TagPreviewEcsResourcesOnCreate",
      actions: ["ecs:TagResource"],
      resources: [service, taskDefinition, `arn:aws:ecs:${r}:${a}:task/${host.clusterName}/*`],
      conditions: {
        StringEquals: {
          ...requestTagged.StringEquals,
          "ecs:CreateAction": ["CreateService", "RegisterTaskDefinition", "RunTask"],
        },
      },
    },

    // Load balancing: the PR's target group and its host-header rule on the shared listener.
    {
      sid: "CreatePreviewTargetGroups",
      actions: ["elasticloadbalancing:CreateTargetGroup"],
      resources: [targetGroup],
      conditions: requestTagged,
    },
    {
      sid: "ChangePreviewTargetGroups",
      actions: [
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
      ],
      resources: [targetGroup],
      conditions: resourceTagged,
    },
    {
      sid: "CreatePreviewListenerRules",
      actions: ["elasticloadbalancing:CreateRule"],
      resources: [listener],
      conditions: requestTagged,
    },
    {
      sid: "ChangePreviewListenerRules",
      actions: ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:DeleteRule"],
      resources: [listenerRule],
      conditions: resourceTagged,
    },
    {
      sid: "TagPreviewElbResourcesOnCreate",
      actions: ["elasticloadbalancing:AddTags"],
      resources: [targetGroup, listenerRule],
      conditions: {
        StringEquals: {
          ...requestTagged.StringEquals,
          "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateRule"],
        },
      },
    },

    // DNS: records cannot be tagged; only `pr-*` names of address types.
    {
      sid: "ChangePreviewRecords",
      actions: ["route53:ChangeResourceRecordSets"],
      resources: [`arn:aws:route53:::hostedzone/${scope.previewHostedZoneId ?? "*"}`],
      conditions: {
        Null: {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": "false",
          "route53:ChangeResourceRecordSetsRecordTypes": "false",
        },
        "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [recordNames] },
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA", "CNAME"],
        },
      },
    },

    // S3: the PR's buckets, by name (bucket tag conditions need S3 ABAC, off by default).
    {
      sid: "PreviewBuckets",
      actions: [
        "s3:CreateBucket",
        "s3:DeleteBucket",
        // What the storage module writes, and no more: no ACLs, website, CORS, replication,
        // notification or logging settings a pull request could turn on.
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketVersioning",
        "s3:PutBucketTagging",
        "s3:DeleteBucketPolicy",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:ListBucket",
        "s3:ListBucketVersions",
      ],
      resources: [`arn:aws:s3:::${pr}*`],
    },
    // `force_destroy` empties a preview bucket before deleting it.
    {
      sid: "EmptyPreviewBuckets",
      actions: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
      resources: [`arn:aws:s3:::${pr}*/*`],
    },

    // Logs: the PR's log groups.
    {
      sid: "CreatePreviewLogGroups",
      actions: ["logs:CreateLogGroup", "logs:TagResource", "logs:TagLogGroup"],
      resources: logGroups,
      conditions: requestTagged,
    },
    {
      sid: "ChangePreviewLogGroups",
      actions: [
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:DeleteLogGroup",
        "logs:UntagResource",
        "logs:UntagLogGroup",
      ],
      resources: logGroups,
      conditions: resourceTagged,
    },

    // IAM: the PR's task and execution roles, with inline policies only, passed only to ECS tasks,
    // created and given permissions only under the preview workload boundary (see
    // boundaryGuardStatements): never the general one, which reaches every environment's data.
    {
      sid: "CreatePreviewRoles",
      actions: ["iam:CreateRole"],
      resources: [role],
      conditions: {
        StringEquals: {
          ...requestTagged.StringEquals,
          "iam:PermissionsBoundary": scope.previewWorkloadBoundaryArn,
        },
      },
    },
    // IAM authorises the tags of CreateRole as iam:TagRole, which has no iam:PermissionsBoundary key.
    { sid: "TagPreviewRoles", actions: ["iam:TagRole"], resources: [role], conditions: requestTagged },
    {
      sid: "GrantPreviewRolesWithinBoundary",
      actions: ["iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"],
      resources: [role],
      conditions: {
        StringEquals: {
          ...resourceTagged.StringEquals,
          "iam:PermissionsBoundary": scope.previewWorkloadBoundaryArn,
        },
      },
    },
    {
      sid: "ChangePreviewRoles",
      actions: [
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:UntagRole",
      ],
      resources: [role],
      conditions: resourceTagged,
    },
    {
      sid: "PassPreviewRolesToEcsTasks",
      actions: ["iam:PassRole"],
      resources: [role],
      conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },

    // EC2: the preview service's security group and its rules (group ARNs carry ids, not names).
    {
      sid: "CreatePreviewSecurityGroups",
      actions: ["ec2:CreateSecurityGroup"],
      resources: [securityGroup],
      conditions: requestTagged,
    },
    {
      sid: "CreateSecurityGroupsInHostVpc",
      actions: ["ec2:CreateSecurityGroup"],
      resources: [`arn:aws:ec2:${r}:${a}:vpc/*`],
      conditions: {
        StringEquals: { "aws:ResourceTag/Project": p, "aws:ResourceTag/Environment": host.environment },
      },
    },
    {
      sid: "AddPreviewSecurityGroupRules",
      actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress"],
      resources: [securityGroupRule],
      conditions: requestTagged,
    },
    {
      sid: "ChangePreviewSecurityGroups",
      actions: [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:ModifySecurityGroupRules",
        "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
        "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
        "ec2:DeleteSecurityGroup",
      ],
      resources: [securityGroup, securityGroupRule],
      conditions: resourceTagged,
    },
    {
      sid: "TagPreviewSecurityGroupsOnCreate",
      actions: ["ec2:CreateTags"],
      resources: [securityGroup, securityGroupRule],
      conditions: {
        StringEquals: {
          ...requestTagged.StringEquals,
          "ec2:CreateAction": [
            "CreateSecurityGroup",
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
          ],
        },
      },
    },
  ];
}

/**
 * The rest of the preview role, kept in a managed policy because the role's inline policies share
 * IAM's 10,240-character quota, which `previewStatements` nearly fills:
 * - its pull request's own secrets (`<project>-pr-*`: its token-signing key), by name — no other
 *   environment's secret names start so;
 * - re-tagging what is already a preview's (`aws:ResourceTag/Preview`): every push moves the
 *   `ExpiresAt` tag, and the provider then tags with only the changed tags, so the create-time
 *   `aws:RequestTag` statements do not cover it.
 */
export function previewUpkeepStatements(scope: PermissionScope): PolicyStatement[] {
  const { accountId: a, project: p } = scope;
  const host = scope.previewHost;
  const r = host.region;
  const pr = `${p}-pr-`;
  return [
    {
      sid: "PreviewSecrets",
      actions: [
        "secretsmanager:CreateSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
      ],
      resources: [`arn:aws:secretsmanager:${r}:${a}:secret:${pr}*`],
    },
    {
      sid: "RetagPreviewResources",
      actions: [
        "ecs:TagResource",
        "ecs:UntagResource",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        "logs:TagResource",
        "logs:TagLogGroup",
        "iam:TagRole",
        "ec2:CreateTags",
        "ec2:DeleteTags",
      ],
      resources: [
        `arn:aws:ecs:${r}:${a}:service/${host.clusterName}/${pr}*`,
        `arn:aws:ecs:${r}:${a}:task-definition/${pr}*:*`,
        `arn:aws:elasticloadbalancing:${r}:${a}:targetgroup/${pr}*/*`,
        `arn:aws:elasticloadbalancing:${r}:${a}:listener-rule/app/${host.loadBalancerName}/*/*/*`,
        `arn:aws:logs:${r}:${a}:log-group:/ecs/${pr}*`,
        `arn:aws:logs:${r}:${a}:log-group:${pr}*`,
        `arn:aws:iam::${a}:role/${pr}*`,
        `arn:aws:ec2:${r}:${a}:security-group/*`,
        `arn:aws:ec2:${r}:${a}:security-group-rule/*`,
      ],
      conditions: resourceTagged,
    },
  ];
}

/**
 * The preview role's actions that accept no resource but `*`, kept in a policy of their own:
 * - its one unscoped write: ECS offers no resource or condition for deregistering a task definition
 *   revision, and destroying a preview's task definition needs it. A deregistered (INACTIVE)
 *   revision keeps running tasks and services running.
 * - the nightly reaper finds previews by their `Preview=true` tag (`tag:GetResources`, a read).
 */
export function previewUnscopedStatements(): PolicyStatement[] {
  return [
    { sid: "DeregisterTaskDefinitions", actions: ["ecs:DeregisterTaskDefinition"], resources: ["*"] },
    { sid: "FindPreviewsByTag", actions: ["tag:GetResources"], resources: ["*"] },
  ];
}

/**
 * The apply role: creates everything a platform stack has. Listing every action of EC2, RDS, ECS
 * and the rest is impractical, so these statements use service-wide actions (`ec2:*`), each scoped
 * to this account's resources (and where names allow, to the project's); IAM is never service-wide.
 * No ECR: platform stacks have no repository, and the stack that owns the release repository grants
 * the push (`repository.grantPush(ci.applyRole)`), so apply can push to no other repository.
 */
export function applyStatements(scope: PermissionScope): PolicyStatement[] {
  const { accountId: a, project: p } = scope;
  const everywhere = (service: string) => `arn:aws:${service}:*:${a}:*`;
  return [
    { sid: "Network", actions: ["ec2:*"], resources: [everywhere("ec2")] },
    { sid: "Database", actions: ["rds:*"], resources: [everywhere("rds")] },
    { sid: "Containers", actions: ["ecs:*"], resources: [everywhere("ecs")] },
    {
      sid: "LoadBalancers",
      actions: ["elasticloadbalancing:*"],
      resources: [everywhere("elasticloadbalancing")],
    },
    { sid: "Certificates", actions: ["acm:*"], resources: [`arn:aws:acm:*:${a}:certificate/*`] },
    { sid: "Cdn", actions: ["cloudfront:*"], resources: [`arn:aws:cloudfront::${a}:*`] },
    // Associating a web ACL is authorised on the load balancer too.
    {
      sid: "WebFirewall",
      actions: ["wafv2:*"],
      resources: [everywhere("wafv2"), `arn:aws:elasticloadbalancing:*:${a}:loadbalancer/app/${p}-*`],
    },
    { sid: "Buckets", actions: ["s3:*"], resources: [`arn:aws:s3:::${p}-*`] },
    {
      sid: "AlarmsAndDashboards",
      actions: ["cloudwatch:*"],
      resources: [
        `arn:aws:cloudwatch:*:${a}:alarm:${p}-*`,
        // Target-tracking scaling policies create their alarms with the caller's permissions.
        `arn:aws:cloudwatch:*:${a}:alarm:TargetTracking-*`,
        `arn:aws:cloudwatch::${a}:dashboard/${p}-*`,
      ],
    },
    { sid: "Logs", actions: ["logs:*"], resources: [everywhere("logs")] },
    { sid: "Topics", actions: ["sns:*"], resources: [`arn:aws:sns:*:${a}:${p}-*`] },
    { sid: "Budgets", actions: ["budgets:*"], resources: [`arn:aws:budgets::${a}:budget/${p}-*`] },
    // RDS names the master password secrets it manages `rds!...`.
    {
      sid: "Secrets",
      actions: ["secretsmanager:*"],
      resources: [
        `arn:aws:secretsmanager:*:${a}:secret:${p}-*`,
        `arn:aws:secretsmanager:*:${a}:secret:rds!*`,
      ],
    },
    {
      sid: "Autoscaling",
      actions: ["application-autoscaling:*"],
      resources: [`arn:aws:application-autoscaling:*:${a}:scalable-target/*`],
    },
    // Keys are tagged with the project by the provider's default_tags when they are created.
    {
      sid: "ProjectKeys",
      actions: ["kms:*"],
      resources: [`arn:aws:kms:*:${a}:key/*`],
      conditions: { StringEquals: { "aws:ResourceTag/Project": p } },
    },
    {
      sid: "ProjectKeyAliases",
      actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
      resources: [`arn:aws:kms:*:${a}:alias/${p}-*`],
    },
    {
      sid: "DnsRecords",
      actions: ["route53:ChangeResourceRecordSets", "route53:ChangeTagsForResource"],
      resources: ["arn:aws:route53:::hostedzone/*"],
    },
    {
      sid: "ProjectRoles",
      actions: [
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
      ],
      resources: [`arn:aws:iam::${a}:role/${p}-*`],
    },
    // Every role apply creates or grants to carries the workload boundary (see boundaryGuardStatements).
    {
      sid: "ProjectRolesWithinBoundary",
      actions: ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"],
      resources: [`arn:aws:iam::${a}:role/${p}-*`],
      conditions: { StringEquals: { "iam:PermissionsBoundary": scope.workloadBoundaryArn } },
    },
    {
      sid: "ProjectManagedPolicies",
      actions: [
        "iam:CreatePolicy",
        "iam:DeletePolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ],
      resources: [`arn:aws:iam::${a}:policy/${p}-*`],
    },
    // Only the project's own managed policies: never AdministratorAccess or the like.
    {
      sid: "AttachOnlyProjectPolicies",
      actions: ["iam:AttachRolePolicy"],
      resources: [`arn:aws:iam::${a}:role/${p}-*`],
      conditions: {
        ArnLike: { "iam:PolicyARN": `arn:aws:iam::${a}:policy/${p}-*` },
        StringEquals: { "iam:PermissionsBoundary": scope.workloadBoundaryArn },
      },
    },
    {
      sid: "PassProjectRoles",
      actions: ["iam:PassRole"],
      resources: [`arn:aws:iam::${a}:role/${p}-*`],
      conditions: {
        StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"] },
      },
    },
    // The first ECS service, RDS instance, load balancer or scaling target in an account creates
    // the service's service-linked role.
    {
      sid: "ServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:aws:iam::${a}:role/aws-service-role/*`],
      conditions: {
        StringEquals: {
          "iam:AWSServiceName": [
            "ecs.amazonaws.com",
            "rds.amazonaws.com",
            "elasticloadbalancing.amazonaws.com",
            "ecs.application-autoscaling.amazonaws.com",
          ],
        },
      },
    },
    // The bootstrap stack's roles (these CI roles among them) match `<project>-*` too: the apply
    // role could otherwise grant itself anything.
    {
      sid: "NeverChangeBootstrapRoles",
      effect: "Deny",
      actions: [
        "iam:Attach*",
        "iam:Create*",
        "iam:Delete*",
        "iam:Detach*",
        "iam:PassRole",
        "iam:Put*",
        "iam:SetDefaultPolicyVersion",
        "iam:Tag*",
        "iam:Untag*",
        "iam:Update*",
      ],
      resources: [
        `arn:aws:iam::${a}:role/${scope.bootstrapPrefix}-*`,
        `arn:aws:iam::${a}:policy/${scope.bootstrapPrefix}-*`,
      ],
    },
    // The state bucket matches `<project>-*` too: state objects may be written, the bucket and
    // old state versions may not be touched.
    {
      sid: "NeverChangeTheStateBucket",
      effect: "Deny",
      actions: [
        "s3:DeleteBucket*",
        "s3:PutBucket*",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:PutReplicationConfiguration",
        "s3:DeleteObjectVersion",
      ],
      resources: [scope.stateBucketArn, `${scope.stateBucketArn}/*`],
    },
  ];
}

/** The IAM actions that add permissions to a role: allowed to CI only under a workload boundary. */
export const ROLE_GRANT_ACTIONS = [
  "iam:CreateRole",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:PutRolePermissionsBoundary",
] as const;

/** What changes the boundary policy itself (a new default version would rewrite every role's limit). */
export const BOUNDARY_POLICY_CHANGES = [
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
] as const;

/**
 * Explicit denies for a role that creates roles (preview, apply), so no Allow added later can undo
 * them: no role may be created or granted permissions without `boundaryArn` (the role's own
 * boundary: the preview workload boundary for preview, the workload boundary for apply), no role's
 * boundary may be removed, and neither boundary policy may be changed or deleted.
 * (`StringNotEquals` is also true when a role has no boundary at all.)
 */
export function boundaryGuardStatements(scope: PermissionScope, boundaryArn: string): PolicyStatement[] {
  const roles = `arn:aws:iam::${scope.accountId}:role/*`;
  return [
    {
      sid: "NoRoleWithoutTheWorkloadBoundary",
      effect: "Deny",
      actions: ROLE_GRANT_ACTIONS,
      resources: [roles],
      conditions: { StringNotEquals: { "iam:PermissionsBoundary": boundaryArn } },
    },
    {
      sid: "NeverRemoveABoundary",
      effect: "Deny",
      actions: ["iam:DeleteRolePermissionsBoundary"],
      resources: [roles],
    },
    {
      sid: "NeverChangeTheWorkloadBoundaries",
      effect: "Deny",
      actions: BOUNDARY_POLICY_CHANGES,
      resources: [scope.workloadBoundaryArn, scope.previewWorkloadBoundaryArn],
    },
  ];
}

/**
 * The apply role's actions that support no resource ARN at all (Service Authorization Reference):
 * `*` is the only resource they accept. Kept in a policy of their own, listed one by one.
 */
export function applyUnscopedStatements(): PolicyStatement[] {
  return [
    {
      sid: "ActionsWithoutResourceScope",
      actions: [
        "acm:RequestCertificate",
        "cloudfront:CreateDistribution",
        "cloudfront:CreateOriginAccessControl",
        "cloudfront:CreateResponseHeadersPolicy",
        "ecs:DeregisterTaskDefinition",
        "elasticloadbalancing:SetWebAcl",
        "kms:CreateKey",
        // WAF logging to CloudWatch Logs.
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:PutResourcePolicy",
        "logs:DeleteResourcePolicy",
      ],
      resources: ["*"],
    },
  ];
}

function normaliseDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, "");
}
