/**
 * What the preview role may do, as statements: a pull request's own preview and nothing else.
 * `ci-access.ts` attaches them.
 */
import type { Condition, PolicyStatement } from "../iam/policy.js";
import { type PermissionScope, PREVIEW_TAG } from "./permissions.js";

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
  const securityGroup = `arn:aws:ec2:${r}:${a}:security-group/*`;
  const securityGroupRule = `arn:aws:ec2:${r}:${a}:security-group-rule/*`;
  // ForAllValues: every subnet named must be the host's (true when none is named: an update that
  // leaves the placement alone).
  const inHostSubnets: Condition = host.subnetIds?.length
    ? { "ForAllValues:StringEquals": { "ecs:subnet": [...host.subnetIds] } }
    : {};
  const recordNames = scope.previewDomain ? `pr-*.${normaliseDomain(scope.previewDomain)}` : "pr-*";

  return [
    // ECS: the PR's service and task definitions.
    // A preview service runs only a preview's task definition: never another environment's (its
    // task role, its secrets), and only in the host's subnets when they are known. UpdateService
    // names a task definition or subnets only when it changes them.
    {
      sid: "CreatePreviewServices",
      actions: ["ecs:CreateService"],
      resources: [service],
      conditions: { ...requestTagged, ArnLike: { "ecs:task-definition": taskDefinition }, ...inHostSubnets },
    },
    {
      sid: "UpdatePreviewServices",
      actions: ["ecs:UpdateService"],
      resources: [service],
      conditions: {
        ...resourceTagged,
        ArnLikeIfExists: { "ecs:task-definition": taskDefinition },
        ...inHostSubnets,
      },
    },
    {
      sid: "DeletePreviewServices",
      actions: ["ecs:DeleteService"],
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
 * The preview role's IAM statements, kept in a managed policy of their own (the role's inline
 * policies share IAM's 10,240-character quota, which `previewStatements` nearly fills): a pull
 * request's task and execution roles, `<project>-pr-*`, tagged `Preview=true`.
 */
export function previewRoleStatements(scope: PermissionScope): PolicyStatement[] {
  const role = `arn:aws:iam::${scope.accountId}:role/${scope.project}-pr-*`;
  return [
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
      actions: ["iam:PutRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy"],
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
 * The preview role's action that accepts no resource but `*`: the nightly reaper finds previews by
 * their `Preview=true` tag (`tag:GetResources`, a read). No `ecs:DeregisterTaskDefinition`: it has
 * no resource or condition, so it would reach every task definition of the account; a preview's
 * task definitions are kept on destroy instead (`skip_destroy`), as inert revisions.
 */
export function previewUnscopedStatements(): PolicyStatement[] {
  return [{ sid: "FindPreviewsByTag", actions: ["tag:GetResources"], resources: ["*"] }];
}

function normaliseDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, "");
}
