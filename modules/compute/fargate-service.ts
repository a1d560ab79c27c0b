/**
 * The `FargateService` construct: its log group, security group and ECS service, wired to the parts
 * each kept in a file of its own — what it takes (`fargate-service-props.ts`), the defaults and
 * checks (`service-settings.ts`), its roles (`task-roles.ts`), its task definitions and container
 * hardening (`task-definitions.ts`), autoscaling (`service-autoscaling.ts`) and how a one-off task is
 * placed like it (`run-task.ts`).
 */
import type { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import type { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { conditional, Fn, Op, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { attachPolicy, type PolicyStatement } from "../iam/policy.js";
import type { Naming } from "../naming/naming.js";
import {
  type AllowFromOptions,
  allowEgressToCidr,
  allowFromOptions,
  allowTraffic,
  createSecurityGroup,
  type SecurityGroupRef,
} from "../network/security-group.js";
import { PropError } from "../validation/prop-error.js";
import { atPlan, attribute, numberText } from "./at-plan.js";
import { EC2_PUBLIC_IP_RULE, usesEc2Capacity } from "./capacity.js";
import { assertKmsKeyArn, assertSecretArn } from "./environment.js";
import type { FargateServiceProps } from "./fargate-service-props.js";
import type { RunTaskNetwork } from "./run-task.js";
import { addTargetTrackingScaling, assertScalingSchedules } from "./service-autoscaling.js";
import { serviceSettings } from "./service-settings.js";
import { assertSidecars } from "./sidecars.js";
import { createTaskDefinitions } from "./task-definitions.js";
import { createTaskRoles, readSecretStatements } from "./task-roles.js";

/** What ECS Exec needs in the task role. The SSM message channels take no resource but `*`. */
export const ECS_EXEC_STATEMENT: PolicyStatement = {
  sid: "EcsExecChannels",
  actions: [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
  ],
  resources: ["*"],
};

/** Which role may read a secret, and with which key: options of `grantReadSecret`. */
export interface GrantReadSecretOptions {
  /** The customer-managed KMS key the secret is encrypted with. @default - AWS-managed key */
  readonly kmsKeyArn?: string;
  /**
   * Which task role may read it: the service's, the migration's own (`migration.ownTaskRole`), or
   * both. @default "both" (one role when the migration shares the service's)
   */
  readonly to?: "service" | "migration" | "both";
}

/**
 * A Fargate service and everything it runs with: the task definition (read-only root filesystem,
 * non-root user, no Linux capabilities, a writable `/tmp`, a container health check, logs to a log
 * group with retention, secrets injected from Secrets Manager), an execution role that can pull only
 * this image, write only this log group and read only the given secrets, an empty task role for
 * other modules to grant to, a security group with no ingress and HTTPS-only egress, a deployment
 * circuit breaker that rolls back, and optional target-tracking autoscaling and migration task.
 */
export class FargateService extends Construct {
  /** The ECS service. */
  readonly service: EcsService;
  /** The service's name, `<project>-<env>-<name>`. */
  readonly serviceName: string;
  /** The service's task definition (one revision per image tag). */
  readonly taskDefinition: EcsTaskDefinition;
  /** The one-off migration task definition, when `migration` is given. */
  readonly migrationTaskDefinition?: EcsTaskDefinition;
  /** The tasks' security group: no ingress until `allowFrom` adds some, HTTPS-only egress. */
  readonly securityGroup: SecurityGroup;
  /** The role the application runs as; grant it what the code calls (`bucket.grantReadWrite(...)`). */
  readonly taskRole: IamRole;
  /** The role ECS uses to start tasks: pull the image, write logs, resolve secrets. */
  readonly executionRole: IamRole;
  /** The migration task's own role (`migration.ownTaskRole`); otherwise the migration runs as `taskRole`. */
  readonly migrationTaskRole?: IamRole;
  /** The containers' log group, `/ecs/<project>-<env>-<name>`, with the given retention. */
  readonly logGroup: CloudwatchLogGroup;
  /** The application container's name in the task definition (for a load balancer or `run-task`). */
  readonly containerName: string;
  /** The port the application container listens on. */
  readonly containerPort: number;
  /** Subnets, security group and public-IP setting for `aws ecs run-task` (the migration task). */
  readonly runTaskNetwork: RunTaskNetwork;
  /** The scaling target, when `autoscaling` is given. */
  readonly autoscalingTarget?: AppautoscalingTarget;
  private readonly naming: Naming;
  private readonly name: string;
  private allowRules = 0;
  private readonly secretGrants = new Set<string>();

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { naming } = props;
    const settings = serviceSettings(props);
    const { name } = settings;
    if (props.sidecars?.length || props.containerDependsOn?.length || props.containerLogging !== undefined) {
      assertSidecars(
        props.sidecars ?? [],
        {
          appName: name,
          taskCpu: settings.cpu,
          taskMemoryMiB: settings.memoryMiB,
          appDependsOn: props.containerDependsOn,
          appLogging: props.containerLogging,
          appHasHealthCheck: true,
        },
        "compute.service",
      );
    }
    if (props.autoscaling?.schedules && !atPlan(props.autoscaling)) {
      assertScalingSchedules(props.autoscaling.schedules, "compute.service.autoscaling.schedules");
    }
    this.naming = naming;
    this.name = name;
    this.containerName = name;
    this.containerPort = settings.containerPort;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/ecs/${naming.name(name)}`,
      retentionInDays: settings.logRetentionDays,
    });

    const roles = createTaskRoles(this, props, settings, this.logGroup.arn);
    this.executionRole = roles.executionRole;
    this.taskRole = roles.taskRole;
    this.migrationTaskRole = roles.migrationTaskRole;
    if (props.enableExecuteCommand) {
      // The SSM messages channel has no resource-level permissions: `*` is the only resource it takes.
      const exec = attachPolicy(this, "execute-command-policy", this.taskRole, "ecs-exec", [
        ECS_EXEC_STATEMENT,
      ]);
      // A switch known only at plan (a module's variable): the policy exists when it is on.
      if (atPlan(props.enableExecuteCommand))
        exec.count = Token.asNumber(conditional(props.enableExecuteCommand, 1, 0));
    }

    this.securityGroup = createSecurityGroup(this, "security-group", {
      naming,
      purpose: `${name}-tasks`,
      vpcId: props.vpcId,
      description: `${naming.name(name)} tasks: ingress only from allowed groups on port ${numberText(settings.containerPort)}`,
    });
    // No interface endpoints: ECR, CloudWatch Logs, Secrets Manager and S3 are reached over HTTPS.
    allowEgressToCidr(this, "egress-https", {
      group: this.securityGroup,
      port: 443,
      cidr: "0.0.0.0/0",
      description: "HTTPS to AWS APIs (ECR, CloudWatch Logs, Secrets Manager, S3)",
    });

    const definitions = createTaskDefinitions(this, props, settings, {
      roles,
      logGroupName: this.logGroup.name,
    });
    this.taskDefinition = definitions.taskDefinition;
    this.migrationTaskDefinition = definitions.migrationTaskDefinition;
    // EFS: the task role may mount each volume through its access point; the volume admits the tasks.
    for (const mount of props.volumes ?? []) {
      mount.efs.grantMount(this.taskRole, { write: !(mount.readOnly ?? false) });
      mount.efs.allowFrom(this.securityGroup, `NFS from ${naming.name(name)} tasks`);
    }

    const lb = props.loadBalancer;
    const additionalGroups = props.additionalSecurityGroupIds ?? [];
    const securityGroupIds = atPlan(additionalGroups)
      ? Token.asList(Fn.concat([[this.securityGroup.id], additionalGroups]))
      : [this.securityGroup.id, ...additionalGroups];
    this.service = new EcsService(this, "service", {
      name: naming.name(name),
      cluster: props.cluster.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: settings.desiredCount,
      ...this.placement(props),
      // A Fargate platform version; ECS refuses one for tasks on EC2 capacity.
      ...(usesEc2Capacity(props.capacityProviderStrategy) ? {} : { platformVersion: "LATEST" }),
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: securityGroupIds,
        assignPublicIp: settings.assignPublicIp,
      },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: settings.deploymentMinHealthyPercent,
      deploymentMaximumPercent: settings.deploymentMaxPercent,
      ...(atPlan(lb) ? this.loadBalancerAtPlan(lb, settings.containerPort, settings) : {}),
      ...(lb && !atPlan(lb)
        ? {
            loadBalancer: [
              {
                targetGroupArn: lb.targetGroupArn,
                containerName: name,
                containerPort: settings.containerPort,
              },
            ],
            healthCheckGracePeriodSeconds: settings.healthCheckGracePeriodSeconds,
          }
        : {}),
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      // Tasks cannot start until the execution role may pull the image and write logs.
      dependsOn: [
        roles.executionPolicy,
        ...(roles.secretsPolicy ? [roles.secretsPolicy] : []),
        // A strategy names providers the cluster must already have associated.
        ...(props.capacityProviderStrategy && props.cluster.capacityProviderAssociation
          ? [props.cluster.capacityProviderAssociation]
          : []),
        ...(atPlan(lb) ? [] : (lb?.dependsOn ?? [])),
      ],
      ...(props.autoscaling ? { lifecycle: { ignoreChanges: ["desired_count"] } } : {}),
      tags: { Name: naming.name(name) },
    });
    this.serviceName = this.service.name;

    this.runTaskNetwork = {
      subnetIds: props.subnetIds,
      securityGroupIds,
      assignPublicIp: settings.assignPublicIp,
    };

    if (props.autoscaling) {
      this.autoscalingTarget = addTargetTrackingScaling(this, {
        naming,
        name,
        clusterName: props.cluster.clusterName,
        serviceName: this.service.name,
        scaling: props.autoscaling,
        cpuTargetPercent: settings.cpuTargetPercent,
        requestsPerTarget: settings.requestsPerTarget,
        // Read even when there is no load balancer (then null): its count never waits on the
        // target group's ARN, which is often known only at apply.
        requestCountResourceLabel: atPlan(lb)
          ? (attribute(lb, "requestCountResourceLabel") as string)
          : lb?.requestCountResourceLabel,
      });
    }
  }

  /**
   * Where the tasks run: the `FARGATE` launch type, or a capacity provider strategy (which excludes
   * a launch type). With a strategy, `force_new_deployment` lets the provider update a changed
   * strategy in place (a new deployment) instead of replacing the service. A strategy given as a
   * reference (a module's variable, null for none) chooses between the two in Terraform.
   */
  private placement(props: FargateServiceProps) {
    const strategy = props.capacityProviderStrategy;
    if (strategy === undefined) return { launchType: "FARGATE" };
    if (usesEc2Capacity(strategy) && props.assignPublicIp === true) {
      throw new PropError("compute.service.assignPublicIp", EC2_PUBLIC_IP_RULE);
    }
    if (!atPlan(strategy)) {
      return {
        capacityProviderStrategy: strategy.map((item) => ({
          capacityProvider: item.capacityProvider,
          base: item.base ?? 0,
          weight: item.weight,
        })),
        forceNewDeployment: true,
      };
    }
    const none = Op.eq(strategy, Token.nullValue());
    const entries = TerraformIterator.fromList(Token.asList(conditional(none, [], strategy)));
    return {
      launchType: Token.asString(conditional(none, "FARGATE", Token.nullValue())),
      capacityProviderStrategy: entries.dynamic({
        capacity_provider: attribute(entries.value, "capacityProvider"),
        base: attribute(entries.value, "base"),
        weight: attribute(entries.value, "weight"),
      }),
      forceNewDeployment: Token.asAny(conditional(none, Token.nullValue(), true)) as unknown as boolean,
    };
  }

  /**
   * The service's `load_balancer` block and grace period when `loadBalancer` is a reference (a
   * module's variables): an object of `FargateLoadBalancerProps`' shape whose `targetGroupArn` is
   * null when the service is behind no load balancer. A dynamic block with one entry, or none.
   */
  private loadBalancerAtPlan(
    lb: unknown,
    containerPort: number,
    settings: { healthCheckGracePeriodSeconds: number },
  ) {
    const none = Op.eq(attribute(lb, "targetGroupArn"), Token.nullValue());
    const entries = TerraformIterator.fromList(Token.asList(conditional(none, [], [lb])));
    return {
      loadBalancer: entries.dynamic({
        target_group_arn: attribute(entries.value, "targetGroupArn"),
        container_name: this.containerName,
        container_port: containerPort,
      }),
      healthCheckGracePeriodSeconds: Token.asNumber(
        conditional(none, Token.nullValue(), settings.healthCheckGracePeriodSeconds),
      ),
    };
  }

  /**
   * Lets TCP connections from `source` reach the container port, and nothing else: ingress on the
   * task group and (unless turned off) egress on the source group. Pass a description string or
   * options, as on every construct with a security group.
   */
  allowFrom(source: SecurityGroupRef, options: string | AllowFromOptions = {}): void {
    const { description, egressOnSource } = allowFromOptions(options);
    this.allowRules += 1;
    allowTraffic(this, `allow-from-${this.allowRules}`, {
      from: source,
      to: this.securityGroup,
      port: this.containerPort,
      description: description ?? `to ${this.naming.name(this.name)} tasks on port ${this.containerPort}`,
      egressOnSource,
    });
  }

  /**
   * Lets the application (the task role) read one secret at run time, e.g. to re-read the database
   * password after rotation. Exactly that secret: `secretsmanager:GetSecretValue` on its ARN.
   */
  grantReadSecret(secretArn: string, options: GrantReadSecretOptions = {}): void {
    assertSecretArn(secretArn, "compute.service.grantReadSecret");
    if (options.kmsKeyArn !== undefined)
      assertKmsKeyArn(options.kmsKeyArn, "compute.service.grantReadSecret.kmsKeyArn");
    const to = options.to ?? "both";
    if (to === "migration" && !this.migrationTaskRole) {
      throw new PropError(
        "compute.service.grantReadSecret.to",
        '"migration" needs a migration task with its own role (migration.ownTaskRole)',
      );
    }
    const roles = [
      ...(to === "migration" ? [] : [this.taskRole]),
      ...(to !== "service" && this.migrationTaskRole ? [this.migrationTaskRole] : []),
    ];
    for (const role of roles) {
      const key = `${role.node.id}|${secretArn}`;
      if (this.secretGrants.has(key)) continue;
      this.secretGrants.add(key);
      const n = this.secretGrants.size;
      attachPolicy(
        this,
        `grant-read-secret-${n}`,
        role,
        `read-secret-${n}`,
        readSecretStatements([{ secretArn, kmsKeyArn: options.kmsKeyArn }], this.naming.region),
      );
    }
  }
}
