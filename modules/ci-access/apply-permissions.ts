/**
 * What one environment's apply role may do, as statements: everything a platform stack creates, on
 * that environment's resources only. `ci-access.ts` attaches them, once per environment.
 *
 * The scope is the environment's name prefix (`<project>-<env>-`) wherever an ARN carries a name
 * (RDS, ECS, load balancers, S3, logs, alarms, topics, budgets, secrets, web ACLs, IAM), and its
 * `Environment` tag (set on every resource by the provider's `default_tags`) wherever an ARN carries
 * only an id (EC2, ACM, KMS, scaling targets): created only with the tag (`aws:RequestTag`), changed
 * only while it carries the tag (`aws:ResourceTag`), and never re-tagged away from another
 * environment. What AWS offers no scope for is listed in `applyUnscopedStatements` and in the module
 * README ("What one environment's apply role can still reach").
 */
import type { PolicyStatement } from "../iam/policy.js";
import { INSTANCE_ROLE_MANAGED_POLICY_ARNS } from "./instance-boundary.js";
import type { PermissionScope } from "./permissions.js";
import { RDS_MASTER_SECRET_TAG } from "./workload-boundary.js";

/** The tag key the provider's `default_tags` sets to the environment's slug on every resource. */
export const ENVIRONMENT_TAG_KEY = "Environment";

/** One environment an apply role is for. */
export interface ApplyEnvironmentScope {
  /** Its slug (`dev`): names start `<project>-<env>-`, resources are tagged `Environment=<env>`. */
  readonly name: string;
  /** The Route 53 hosted zone of its domain: the only zone whose records it changes. */
  readonly hostedZoneId: string;
  /** Its permissions boundary, as a literal ARN: every role it creates or changes must carry it. */
  readonly workloadBoundaryArn: string;
  /**
   * Its container instance boundary (`InstanceBoundary`), as a literal ARN: roles it creates or
   * changes may carry this one instead, and only those may get the two AWS managed policies ECS
   * container instances need. With it come the statements `Ec2Capacity` (`service.compute: "ec2"`)
   * needs: autoscaling groups, instance profiles, launching from Amazon's images.
   * @default - none: every role carries the workload boundary, and no EC2 capacity can be applied
   */
  readonly instanceBoundaryArn?: string;
}

/** The actions that tag or untag a resource whose ARN carries only an id (scoped by the tag itself). */
const RETAG_ACTIONS = [
  "ec2:CreateTags",
  "ec2:DeleteTags",
  "acm:AddTagsToCertificate",
  "acm:RemoveTagsFromCertificate",
  "kms:TagResource",
  "kms:UntagResource",
  "application-autoscaling:TagResource",
  "application-autoscaling:UntagResource",
];

/**
 * The apply role of `env`: creates and changes that environment's platform stack, nothing of any
 * other environment, of previews or of the bootstrap stack. IAM is never service-wide; roles it
 * creates or grants carry the environment's own workload boundary.
 */
export function applyStatements(scope: PermissionScope, env: ApplyEnvironmentScope): PolicyStatement[] {
  const { accountId: a } = scope;
  // `acme-dev-`: the trailing "-" keeps `acme-dev-*` from matching an environment `dev2`.
  const ep = `${scope.project}-${env.name}-`;
  const tagged = { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: env.name } };
  const createdTagged = { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env.name } };
  const role = `arn:aws:iam::${a}:role/${ep}*`;
  const boundaries = [env.workloadBoundaryArn, ...(env.instanceBoundaryArn ? [env.instanceBoundaryArn] : [])];
  const boundary = {
    StringEquals: {
      "iam:PermissionsBoundary": boundaries.length === 1 ? env.workloadBoundaryArn : boundaries,
    },
  };
  const loadBalancer = `arn:aws:elasticloadbalancing:*:${a}:loadbalancer/app/${ep}*/*`;
  return [
    // EC2 ARNs carry ids, not names: the Environment tag is the scope.
    {
      sid: "NetworkOfThisEnvironment",
      actions: ["ec2:*"],
      resources: [`arn:aws:ec2:*:${a}:*`],
      conditions: tagged,
    },
    {
      sid: "CreateNetworkForThisEnvironment",
      actions: ["ec2:*"],
      resources: [`arn:aws:ec2:*:${a}:*`],
      conditions: createdTagged,
    },
    {
      sid: "Database",
      actions: ["rds:*"],
      resources: [
        `arn:aws:rds:*:${a}:db:${ep}*`,
        `arn:aws:rds:*:${a}:subgrp:${ep}*`,
        `arn:aws:rds:*:${a}:pg:${ep}*`,
        `arn:aws:rds:*:${a}:og:${ep}*`,
        `arn:aws:rds:*:${a}:snapshot:${ep}*`,
        // CreateDBInstance is authorised on the engine's default option group too.
        `arn:aws:rds:*:${a}:og:default:*`,
      ],
    },
    {
      sid: "Containers",
      actions: ["ecs:*"],
      resources: [
        `arn:aws:ecs:*:${a}:cluster/${ep}*`,
        // The cluster and the service both: previews run their services in dev's cluster.
        `arn:aws:ecs:*:${a}:service/${ep}*/${ep}*`,
        `arn:aws:ecs:*:${a}:task-definition/${ep}*:*`,
        `arn:aws:ecs:*:${a}:task/${ep}*/*`,
        `arn:aws:ecs:*:${a}:capacity-provider/${ep}*`,
      ],
    },
    {
      sid: "LoadBalancers",
      actions: ["elasticloadbalancing:*"],
      resources: [
        loadBalancer,
        `arn:aws:elasticloadbalancing:*:${a}:listener/app/${ep}*/*/*`,
        `arn:aws:elasticloadbalancing:*:${a}:listener-rule/app/${ep}*/*/*/*`,
        `arn:aws:elasticloadbalancing:*:${a}:targetgroup/${ep}*/*`,
      ],
    },
    {
      sid: "Certificates",
      actions: ["acm:*"],
      resources: [`arn:aws:acm:*:${a}:certificate/*`],
      conditions: tagged,
    },
    {
      sid: "TagNewCertificates",
      actions: ["acm:AddTagsToCertificate"],
      resources: [`arn:aws:acm:*:${a}:certificate/*`],
      conditions: createdTagged,
    },
    // CloudFront's distribution, origin access control and policy actions take no tag or name
    // condition (Service Authorization Reference): the account is the narrowest scope. README says so.
    { sid: "Cdn", actions: ["cloudfront:*"], resources: [`arn:aws:cloudfront::${a}:*`] },
    // Associating a web ACL is authorised on the load balancer too.
    {
      sid: "WebFirewall",
      actions: ["wafv2:*"],
      resources: [
        `arn:aws:wafv2:*:${a}:*/webacl/${ep}*/*`,
        `arn:aws:wafv2:*:${a}:*/ipset/${ep}*/*`,
        `arn:aws:wafv2:*:${a}:*/regexpatternset/${ep}*/*`,
        `arn:aws:wafv2:*:${a}:*/rulegroup/${ep}*/*`,
        `arn:aws:wafv2:*:${a}:*/managedruleset/*/*`,
        loadBalancer,
      ],
    },
    { sid: "Buckets", actions: ["s3:*"], resources: [`arn:aws:s3:::${ep}*`, `arn:aws:s3:::${ep}*/*`] },
    {
      sid: "AlarmsAndDashboards",
      actions: ["cloudwatch:*"],
      resources: [
        `arn:aws:cloudwatch:*:${a}:alarm:${ep}*`,
        // Target-tracking policies create their alarms with the caller's permissions, named after
        // the scaled resource: `TargetTracking-service/<cluster>/<service>-AlarmHigh-<uuid>`.
        `arn:aws:cloudwatch:*:${a}:alarm:TargetTracking-service/${ep}*`,
        `arn:aws:cloudwatch::${a}:dashboard/${ep}*`,
      ],
    },
    {
      sid: "Logs",
      actions: ["logs:*"],
      resources: [
        ...[
          `/ecs/${ep}*`,
          `/vpc/${ep}*`,
          `/aws/rds/instance/${ep}*`,
          `/aws/vendedlogs/cloudfront/${ep}*`,
          `aws-waf-logs-${ep}*`,
          `${ep}*`,
        ].map((group) => `arn:aws:logs:*:${a}:log-group:${group}`),
        `arn:aws:logs:*:${a}:delivery-source:${ep}*`,
        `arn:aws:logs:*:${a}:delivery-destination:${ep}*`,
        // Deliveries are named by id only; they join a source and a destination of this environment.
        `arn:aws:logs:*:${a}:delivery:*`,
      ],
    },
    { sid: "Topics", actions: ["sns:*"], resources: [`arn:aws:sns:*:${a}:${ep}*`] },
    { sid: "Budgets", actions: ["budgets:*"], resources: [`arn:aws:budgets::${a}:budget/${ep}*`] },
    {
      sid: "Secrets",
      actions: ["secretsmanager:*"],
      resources: [
        `arn:aws:secretsmanager:*:${a}:secret:${ep}*`,
        `arn:aws:secretsmanager:*:${a}:secret:${scope.project}-${env.name}/*`,
      ],
    },
    // SecureString parameters of this environment (`WriteOnlyParameter`), when its config keeps
    // secrets in Parameter Store.
    {
      sid: "Parameters",
      actions: [
        "ssm:PutParameter",
        "ssm:DeleteParameter",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:AddTagsToResource",
        "ssm:RemoveTagsFromResource",
        "ssm:ListTagsForResource",
      ],
      resources: [`arn:aws:ssm:*:${a}:parameter/${scope.project}-${env.name}/*`],
    },
    // RDS creates the master password secret it manages (`rds!db-<uuid>`) with the caller's
    // permissions; the name is random, RDS tags it with the instance's ARN.
    {
      sid: "CreateDatabaseMasterSecrets",
      actions: ["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
      resources: [`arn:aws:secretsmanager:*:${a}:secret:rds!*`],
    },
    {
      sid: "ThisEnvironmentsDatabaseMasterSecrets",
      actions: [
        "secretsmanager:DescribeSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:RotateSecret",
        "secretsmanager:UpdateSecret",
      ],
      resources: [`arn:aws:secretsmanager:*:${a}:secret:rds!*`],
      conditions: {
        StringLike: {
          [`secretsmanager:ResourceTag/${RDS_MASTER_SECRET_TAG}`]: `arn:aws:rds:*:${a}:db:${ep}*`,
        },
      },
    },
    // Scalable target ARNs carry a random id: the tag is the scope.
    {
      sid: "Autoscaling",
      actions: ["application-autoscaling:*"],
      resources: [`arn:aws:application-autoscaling:*:${a}:scalable-target/*`],
      conditions: tagged,
    },
    {
      sid: "RegisterScalableTargets",
      actions: ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource"],
      resources: [`arn:aws:application-autoscaling:*:${a}:scalable-target/*`],
      conditions: createdTagged,
    },
    { sid: "Keys", actions: ["kms:*"], resources: [`arn:aws:kms:*:${a}:key/*`], conditions: tagged },
    // kms:CreateKey accepts only "*"; the request's tag is its scope.
    { sid: "CreateKeys", actions: ["kms:CreateKey"], resources: ["*"], conditions: createdTagged },
    {
      sid: "TagNewKeys",
      actions: ["kms:TagResource"],
      resources: [`arn:aws:kms:*:${a}:key/*`],
      conditions: createdTagged,
    },
    {
      sid: "KeyAliases",
      actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
      resources: [`arn:aws:kms:*:${a}:alias/${ep}*`],
    },
    {
      sid: "DnsRecords",
      actions: ["route53:ChangeResourceRecordSets", "route53:ChangeTagsForResource"],
      resources: [`arn:aws:route53:::hostedzone/${env.hostedZoneId}`],
    },
    {
      sid: "Roles",
      actions: [
        "iam:DeleteRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:TagRole",
        "iam:UntagRole",
      ],
      resources: [role],
    },
    // Everything that adds permissions to a role, or decides who may assume it, only on a role that
    // carries this environment's boundary (see boundaryGuardStatements).
    {
      sid: "RolesWithinBoundary",
      actions: [
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
      ],
      resources: [role],
      conditions: boundary,
    },
    {
      sid: "ManagedPolicies",
      actions: [
        "iam:CreatePolicy",
        "iam:DeletePolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ],
      resources: [`arn:aws:iam::${a}:policy/${ep}*`],
    },
    // Only this environment's own managed policies: never AdministratorAccess or the like.
    {
      sid: "AttachOnlyThisEnvironmentsPolicies",
      actions: ["iam:AttachRolePolicy"],
      resources: [role],
      conditions: {
        ArnLike: { "iam:PolicyARN": `arn:aws:iam::${a}:policy/${ep}*` },
        ...boundary,
      },
    },
    {
      sid: "PassRoles",
      actions: ["iam:PassRole"],
      resources: [role],
      conditions: {
        StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"] },
      },
    },
    // The first ECS service, RDS instance, load balancer, scaling target or CloudFront VPC origin in
    // an account creates the service's service-linked role.
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
            // AWSServiceRoleForCloudFrontVPCOrigin: CloudFront's network interfaces in the VPC.
            "vpcorigin.cloudfront.amazonaws.com",
          ],
        },
      },
    },
    // Tag-scoped resources: a resource of another environment (or a preview) can never be re-tagged
    // into this one, and so never brought into reach. Untagged resources (the default security group
    // a VPC is created with) may be tagged.
    {
      sid: "NeverRetagAnotherEnvironment",
      effect: "Deny",
      actions: RETAG_ACTIONS,
      resources: ["*"],
      conditions: {
        Null: { [`aws:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: "false" },
        StringNotEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG_KEY}`]: env.name },
      },
    },
  ];
}

/**
 * What the apply role of `env` needs for `Ec2Capacity` (ECS container instances,
 * `service.compute: "ec2"`) beyond `applyStatements`, which already cover its launch template,
 * security group and capacity provider (EC2 by the Environment tag, ECS by name) and let roles carry
 * the instance boundary. `ci-access.ts` attaches them as a managed policy of their own (the inline
 * quota is full). The autoscaling group is scoped by name: the provider's `default_tags` do not
 * reach `aws_autoscaling_group`, so no Environment tag can scope it. Its reads
 * (`autoscaling:Describe*`, `*` only) and the instance profile's (`iam:GetInstanceProfile`,
 * `iam:ListInstanceProfilesForRole`) are in the read policy. Empty without `instanceBoundaryArn`.
 */
export function applyEc2CapacityStatements(
  scope: PermissionScope,
  env: ApplyEnvironmentScope,
): PolicyStatement[] {
  const instanceBoundaryArn = env.instanceBoundaryArn;
  if (!instanceBoundaryArn) return [];
  const { accountId: a } = scope;
  const ep = `${scope.project}-${env.name}-`;
  const role = `arn:aws:iam::${a}:role/${ep}*`;
  return [
    {
      sid: "AutoScalingGroups",
      actions: [
        "autoscaling:CreateAutoScalingGroup",
        "autoscaling:UpdateAutoScalingGroup",
        "autoscaling:DeleteAutoScalingGroup",
        "autoscaling:CreateOrUpdateTags",
        "autoscaling:DeleteTags",
        "autoscaling:SetInstanceProtection",
        // instance_refresh: a new image or instance type rolls the instances.
        "autoscaling:StartInstanceRefresh",
        "autoscaling:CancelInstanceRefresh",
      ],
      resources: [`arn:aws:autoscaling:*:${a}:autoScalingGroup:*:autoScalingGroupName/${ep}*`],
    },
    {
      sid: "InstanceProfiles",
      actions: [
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile",
        "iam:UntagInstanceProfile",
      ],
      resources: [`arn:aws:iam::${a}:instance-profile/${ep}*`],
    },
    // The ECS agent's and Session Manager's AWS managed policies, and no other, only on a role
    // under this environment's instance boundary: a workload role never gets them.
    {
      sid: "AttachContainerInstancePolicies",
      actions: ["iam:AttachRolePolicy"],
      resources: [role],
      conditions: {
        ArnEquals: { "iam:PolicyARN": [...INSTANCE_ROLE_MANAGED_POLICY_ARNS] },
        StringEquals: { "iam:PermissionsBoundary": instanceBoundaryArn },
      },
    },
    // Adding a role to an instance profile, and launching instances with one (the autoscaling
    // group checks it for its launch template), pass the role to EC2. iam:PassRole takes no
    // boundary condition: a role passed so is still capped by its own boundary.
    {
      sid: "PassRolesToInstances",
      actions: ["iam:PassRole"],
      resources: [role],
      conditions: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    },
    {
      sid: "AutoScalingServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:aws:iam::${a}:role/aws-service-role/autoscaling.amazonaws.com/*`],
      conditions: { StringEquals: { "iam:AWSServiceName": "autoscaling.amazonaws.com" } },
    },
    // Images carry no account in their ARN and no Environment tag: Amazon's own images only (the
    // ECS-optimized AMIs are), by owner — the narrowest scope RunInstances offers on an image.
    {
      sid: "LaunchFromAmazonImages",
      actions: ["ec2:RunInstances"],
      resources: ["arn:aws:ec2:*::image/*"],
      conditions: { StringEquals: { "ec2:Owner": "amazon" } },
    },
    // The network interface a launch creates has no tag to scope it (the launch template tags the
    // instance and its volume); it is placed in a subnet and security group that the statements
    // above already limit to this environment's.
    {
      sid: "LaunchNetworkInterfaces",
      actions: ["ec2:RunInstances"],
      resources: [`arn:aws:ec2:*:${a}:network-interface/*`],
    },
  ];
}

/**
 * The apply roles' actions that support no resource ARN at all (Service Authorization Reference):
 * `*` is the only resource they accept. Kept in a policy of their own, listed one by one. No
 * `ecs:DeregisterTaskDefinition` (account-wide, no condition): task definitions are kept on destroy
 * (`skip_destroy`), and releases leave their one-off migration revision registered.
 */
export function applyUnscopedStatements(env: Pick<ApplyEnvironmentScope, "name">): PolicyStatement[] {
  return [
    {
      sid: "ActionsWithoutResourceScope",
      actions: [
        "cloudfront:CreateOriginAccessControl",
        "cloudfront:CreateResponseHeadersPolicy",
        // Terraform reads a parameter's metadata through DescribeParameters, which takes no ARN.
        "ssm:DescribeParameters",
        "elasticloadbalancing:SetWebAcl",
        // WAF logging to CloudWatch Logs.
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:PutResourcePolicy",
        "logs:DeleteResourcePolicy",
      ],
      resources: ["*"],
    },
    // These take a tag condition: created only carrying this environment's tag.
    {
      sid: "CreateTaggedWithoutResourceScope",
      actions: ["acm:RequestCertificate", "cloudfront:CreateDistribution", "cloudfront:CreateVpcOrigin"],
      resources: ["*"],
      conditions: { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG_KEY}`]: env.name } },
    },
  ];
}
