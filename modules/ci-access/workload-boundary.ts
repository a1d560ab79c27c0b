import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";

/** Who the boundary's statements are scoped to. */
export interface WorkloadBoundaryScope {
  readonly accountId: string;
  /** Project slug: every stack's buckets, secrets, log groups and repositories are `<project>-...`. */
  readonly project: string;
  /** Name prefix of the bootstrap stack (`<project>-<bootstrap env>`): its buckets hold Terraform state. */
  readonly bootstrapPrefix: string;
}

/** The object actions the kit's workloads use (storage's `grantRead` / `grantReadWrite`). */
const OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];

/**
 * The most a workload role (task, execution and flow-logs roles) may ever do, whatever its own
 * policies say: exactly the actions the kit's modules grant, on the project's resources.
 *
 * - S3: object actions and `ListBucket` on `<project>-*` buckets, never the bootstrap stack's
 *   (the Terraform state bucket also matches `<project>-*`: an explicit Deny).
 * - Secrets Manager: read `<project>-*` secrets and the `rds!*` secrets RDS manages.
 * - KMS: decrypt and generate data keys only when Secrets Manager or S3 calls on the role's behalf.
 * - CloudWatch Logs: write to `/ecs/<project>-*` (containers) and `/vpc/<project>-*` (flow logs).
 * - ECR: pull from `<project>-*` repositories; `GetAuthorizationToken` (`*` only).
 * - RDS IAM authentication: `rds-db:connect` to this account's databases (the ARN holds the
 *   instance's resource id, not its name, so the account is the narrowest scope).
 * - ECS Exec: the four `ssmmessages:*Channel` actions (`*` only).
 *
 * No IAM, STS, EC2, ECS or other control-plane action: a role under this boundary can change nothing
 * about the platform, only use the data the project's workloads use.
 */
export function workloadBoundaryStatements(scope: WorkloadBoundaryScope): PolicyStatement[] {
  const { accountId: a, project: p, bootstrapPrefix: b } = scope;
  return [
    { sid: "ProjectObjects", actions: OBJECT_ACTIONS, resources: [`arn:aws:s3:::${p}-*/*`] },
    { sid: "ListProjectBuckets", actions: ["s3:ListBucket"], resources: [`arn:aws:s3:::${p}-*`] },
    {
      sid: "NeverTheBootstrapBuckets",
      effect: "Deny",
      actions: [...OBJECT_ACTIONS, "s3:ListBucket"],
      resources: [`arn:aws:s3:::${b}-*`, `arn:aws:s3:::${b}-*/*`],
    },
    {
      sid: "ReadProjectSecrets",
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      // RDS names the master password secrets it manages `rds!...`.
      resources: [
        `arn:aws:secretsmanager:*:${a}:secret:${p}-*`,
        `arn:aws:secretsmanager:*:${a}:secret:rds!*`,
      ],
    },
    {
      sid: "UseKeysThroughSecretsManagerAndS3",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [`arn:aws:kms:*:${a}:key/*`],
      conditions: {
        StringLike: { "kms:ViaService": ["secretsmanager.*.amazonaws.com", "s3.*.amazonaws.com"] },
      },
    },
    {
      sid: "WriteProjectLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      // `*` also matches the groups' `:log-stream:<name>` ARNs.
      resources: [`arn:aws:logs:*:${a}:log-group:/ecs/${p}-*`, `arn:aws:logs:*:${a}:log-group:/vpc/${p}-*`],
    },
    {
      sid: "PullProjectImages",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      resources: [`arn:aws:ecr:*:${a}:repository/${p}-*`],
    },
    {
      sid: "ConnectToDatabases",
      actions: ["rds-db:connect"],
      resources: [`arn:aws:rds-db:*:${a}:dbuser:*/*`],
    },
    // The two statements below name actions that support no resource-level permission: `*` is the
    // only resource they accept (Service Authorization Reference).
    { sid: "EcrLogin", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
    {
      sid: "EcsExecChannels",
      actions: [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      resources: ["*"],
    },
  ];
}

export interface WorkloadBoundaryProps {
  /**
   * The bootstrap stack's naming: the policy is `<project>-<env>-workload-boundary`, and its project
   * and prefix scope what workloads may reach.
   */
  readonly naming: Naming;
}

/**
 * The permissions boundary of every role the kit creates for workloads: a customer managed policy
 * that caps what such a role can do, whatever policies are attached to it (a role's effective
 * permissions are the intersection of its policies and its boundary). The CI roles may create and
 * change roles only with this boundary (see `CiAccess`), so a role created by CI can never do more
 * than this, even if its inline policy says `*` on `*`.
 *
 * Roles reference it by ARN, computed from the name (`WorkloadBoundary.arnFor(naming)`), so stacks
 * need no reference to the bootstrap stack.
 */
export class WorkloadBoundary extends Construct {
  /** `<project>-<env>-workload-boundary` for the bootstrap naming. */
  static policyNameFor(naming: Naming): string {
    return naming.name("workload-boundary");
  }

  /** `arn:aws:iam::<account>:policy/<name>`: the ARN the policy will have, without a reference to it. */
  static arnFor(naming: Naming): string {
    return `arn:aws:iam::${naming.accountId}:policy/${WorkloadBoundary.policyNameFor(naming)}`;
  }

  readonly policy: IamPolicy;
  readonly policyName: string;
  /** The policy's ARN, computed from its name (a plain string: usable in conditions and other stacks). */
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: WorkloadBoundaryProps) {
    super(scope, id);
    const { naming } = props;
    this.policyName = WorkloadBoundary.policyNameFor(naming);
    this.policyArn = WorkloadBoundary.arnFor(naming);
    this.policy = new IamPolicy(this, "policy", {
      name: this.policyName,
      description: `Permissions boundary of ${naming.project}'s workload roles: the most any of them may do`,
      policy: policyDocument(
        workloadBoundaryStatements({
          accountId: naming.accountId,
          project: naming.project,
          bootstrapPrefix: naming.prefix,
        }),
      ),
      tags: { Name: this.policyName },
    });
  }
}
