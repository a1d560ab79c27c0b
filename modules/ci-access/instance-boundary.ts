import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { Construct } from "constructs";
import { CONTAINER_INSTANCE_POLICIES } from "../compute/ec2-capacity.js";
import { ECS_EXEC_STATEMENT } from "../compute/fargate-service.js";
import { ECR_LOGIN_STATEMENT } from "../compute/repository.js";
import { type PolicyStatement, policyDocument } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import type { WorkloadBoundaryScope } from "./workload-boundary.js";

/**
 * The AWS managed policies an ECS container instance's role carries (`Ec2Capacity`): the ECS
 * agent's and Session Manager's. An environment's apply role may attach these two, and no other
 * AWS managed policy, and only to a role under that environment's `InstanceBoundary`.
 */
export const INSTANCE_ROLE_MANAGED_POLICY_ARNS: readonly string[] =
  Object.values(CONTAINER_INSTANCE_POLICIES);

/**
 * The most one environment's ECS container instance role may ever do: what the ECS container agent
 * and the SSM agent (Session Manager) need, on that environment's cluster, repository and logs —
 * and nothing the two AWS managed policies grant beyond that.
 *
 * - ECS agent: register and deregister with, and report task, container and attachment state to,
 *   a `<project>-<env>-*` cluster; poll, telemetry and draining on its container instances; tag a
 *   container instance only while registering it. `ecs:DiscoverPollEndpoint` takes no resource.
 * - ECR: pull from the release repository only (`GetAuthorizationToken`: `*` only).
 * - CloudWatch Logs: write to `/ecs/<project>-<env>-*`.
 * - `ec2:DescribeTags` (`*` only; the agent reads its instance's tags), in the environment's region.
 * - Session Manager core: `ssm:UpdateInstanceInformation` and the instance's associations on this
 *   account's instances in the region; the four `ssmmessages:*Channel` and six `ec2messages:*`
 *   actions (`*` only: they take no resource).
 *
 * Not the rest of `AmazonSSMManagedInstanceCore` (no `ssm:GetParameter(s)` — the environment's
 * SecureString parameters stay the execution role's —, documents, inventory, patching), not
 * `ecs:CreateCluster`, no IAM, STS, S3, Secrets Manager, RDS or ECS control-plane action
 * (`RunTask`, `CreateService`): the instances run tasks only as ECS tells their agent to, each task
 * with its own roles under the workload boundary.
 */
export function instanceBoundaryStatements(scope: WorkloadBoundaryScope): PolicyStatement[] {
  const { accountId: a, region: r } = scope;
  const ep = `${scope.project}-${scope.environment}-`;
  const cluster = `arn:aws:ecs:${r}:${a}:cluster/${ep}*`;
  const containerInstance = `arn:aws:ecs:${r}:${a}:container-instance/${ep}*/*`;
  const instance = `arn:aws:ec2:${r}:${a}:instance/*`;
  return [
    {
      sid: "JoinEnvironmentClusters",
      actions: [
        "ecs:RegisterContainerInstance",
        "ecs:DeregisterContainerInstance",
        "ecs:SubmitContainerStateChange",
        "ecs:SubmitTaskStateChange",
        "ecs:SubmitAttachmentStateChanges",
      ],
      resources: [cluster],
    },
    {
      sid: "RunAsEnvironmentContainerInstance",
      actions: ["ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState"],
      resources: [containerInstance],
    },
    // Authorised on the cluster and the container instance both.
    { sid: "SystemLogs", actions: ["ecs:PutSystemLogEvents"], resources: [cluster, containerInstance] },
    {
      sid: "TagOwnRegistration",
      actions: ["ecs:TagResource"],
      resources: [containerInstance],
      conditions: { StringEquals: { "ecs:CreateAction": "RegisterContainerInstance" } },
    },
    {
      sid: "PullReleaseImages",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      resources: [scope.repositoryArn],
    },
    {
      sid: "WriteEnvironmentLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      // `*` also matches the groups' `:log-stream:<name>` ARNs.
      resources: [`arn:aws:logs:${r}:${a}:log-group:/ecs/${ep}*`],
    },
    {
      sid: "SessionManagerInstance",
      actions: ["ssm:UpdateInstanceInformation", "ssm:ListInstanceAssociations"],
      resources: [instance],
    },
    {
      sid: "SessionManagerAssociationStatus",
      actions: ["ssm:UpdateInstanceAssociationStatus"],
      resources: [instance, `arn:aws:ssm:${r}:${a}:association/*`],
    },
    // The statements below name actions that support no resource-level permission: `*` is the
    // only resource they accept (Service Authorization Reference).
    {
      sid: "AgentActionsWithoutResourceScope",
      actions: ["ecs:DiscoverPollEndpoint", "ec2:DescribeTags"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:RequestedRegion": r } },
    },
    {
      sid: "RunCommandChannel",
      actions: [
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
      ],
      resources: ["*"],
    },
    ECR_LOGIN_STATEMENT,
    { ...ECS_EXEC_STATEMENT, sid: "SessionManagerChannels" },
  ];
}

/** Props of `InstanceBoundary`: the environment whose container instance roles carry it. */
export interface InstanceBoundaryProps {
  /** The bootstrap stack's naming: the policy is `<project>-<bootstrap env>-<env>-instance-boundary`. */
  readonly naming: Naming;
  /**
   * The naming of the environment whose container instance roles carry the boundary: its slug and
   * region scope what they may reach. Same project and account as `naming`.
   */
  readonly environment: Naming;
  /** The release repository: the only one the environment's instances may pull images from. */
  readonly repositoryArn: string;
}

/**
 * The permissions boundary of an environment's ECS container instance roles (`Ec2Capacity`,
 * `service.compute: "ec2"`): a customer managed policy allowing only what the ECS container agent
 * and the SSM agent need in that environment (`instanceBoundaryStatements`). It sits beside the
 * environment's `WorkloadBoundary`, which allows no agent action at all: the environment's apply
 * role may create roles with either, and may attach the two AWS managed policies the instances
 * need (`INSTANCE_ROLE_MANAGED_POLICY_ARNS`) only to roles carrying this one.
 *
 * Roles reference it by ARN, computed from the name (`InstanceBoundary.arnFor(naming, env)`), so
 * stacks need no reference to the bootstrap stack.
 */
export class InstanceBoundary extends Construct {
  /** The customer managed policy. */
  readonly policy: IamPolicy;
  /** `<project>-<bootstrap env>-<env>-instance-boundary`. */
  readonly policyName: string;
  /** The policy's ARN, computed from its name (a plain string: usable in conditions and other stacks). */
  readonly policyArn: string;

  /** `<project>-<bootstrap env>-<env>-instance-boundary` for the bootstrap naming. */
  static policyNameFor(naming: Naming, environment: string): string {
    return naming.name(`${environment}-instance-boundary`);
  }

  /** `arn:aws:iam::<account>:policy/<name>`: the ARN the policy will have, without a reference to it. */
  static arnFor(naming: Naming, environment: string): string {
    return `arn:aws:iam::${naming.accountId}:policy/${InstanceBoundary.policyNameFor(naming, environment)}`;
  }

  constructor(scope: Construct, id: string, props: InstanceBoundaryProps) {
    super(scope, id);
    const { naming, environment } = props;
    if (environment.project !== naming.project || environment.accountId !== naming.accountId) {
      throw new PropError(
        "instanceBoundary.environment",
        `${environment.project} in ${environment.accountId} must be the project ${naming.project} in account ${naming.accountId}, where the boundary and the CI roles live`,
      );
    }
    if (props.repositoryArn.includes("*")) {
      throw new PropError(
        "instanceBoundary.repositoryArn",
        `"${props.repositoryArn}" must name one repository`,
      );
    }
    this.policyName = InstanceBoundary.policyNameFor(naming, environment.environment);
    this.policyArn = InstanceBoundary.arnFor(naming, environment.environment);
    this.policy = new IamPolicy(this, "policy", {
      name: this.policyName,
      description: `Permissions boundary of ${naming.project}'s ${environment.environment} ECS container instance roles: the ECS and SSM agents only`,
      policy: policyDocument(
        instanceBoundaryStatements({
          accountId: naming.accountId,
          project: naming.project,
          environment: environment.environment,
          region: environment.region,
          repositoryArn: props.repositoryArn,
        }),
      ),
      tags: { Name: this.policyName },
    });
  }
}
