import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import {
  assertManagedPolicyArn,
  attachPolicy,
  type PolicyStatement,
  serviceTrustPolicy,
} from "../iam/policy.js";
import { assertLogRetention } from "../logs/retention.js";
import { NAME_LIMITS, type Naming } from "../naming/naming.js";
import {
  type AllowFromOptions,
  allowEgressToCidr,
  allowFromOptions,
  allowTraffic,
  createSecurityGroup,
  type SecurityGroupRef,
} from "../network/security-group.js";
import type { ClusterRef } from "./cluster.js";
import {
  assertKmsKeyArn,
  assertPlainEnvironment,
  assertSecretArn,
  assertSecrets,
  type ContainerSecret,
  secretValueFrom,
} from "./environment.js";
import { pullStatements, type RepositoryRef } from "./repository.js";
import { assertFargateTaskSize } from "./task-size.js";

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

export interface FargateLoadBalancerProps {
  /** The target group the service registers its tasks in (type `ip`, on the container port). */
  readonly targetGroupArn: string;
  /**
   * `<load balancer arn_suffix>/<target group arn_suffix>`; enables scaling on ALB requests per target.
   * @default - no request-count scaling
   */
  readonly requestCountResourceLabel?: string;
  /**
   * Seconds after a task starts during which failing load balancer health checks do not stop it.
   * @default 60
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Resources the service must wait for: the listener (rule) that forwards to the target group. ECS
   * refuses a target group that no load balancer uses yet.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export interface FargateAutoscalingProps {
  /** Fewest tasks the scaler keeps. */
  readonly minCount: number;
  /** Most tasks the scaler starts. */
  readonly maxCount: number;
  /**
   * Average CPU utilisation (percent) the scaler aims for.
   * @default 60
   */
  readonly cpuTargetPercent?: number;
  /**
   * ALB requests per task the scaler aims for; needs `loadBalancer.requestCountResourceLabel`.
   * @default 500 when a request-count label is given
   */
  readonly requestsPerTarget?: number;
}

export interface FargateMigrationProps {
  /** The command that applies database migrations, e.g. `["node", "dist/migrate/deploy.js"]`. */
  readonly command: readonly string[];
  /**
   * Environment variables of the migration container, over the service's (a value of `undefined`
   * removes one): e.g. the owner's credentials the migration needs and the service must not have.
   * @default - the service's environment
   */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /**
   * Give the migration its own task role (`migrationTaskRole`) instead of the service's, so what
   * only the migration needs (the database owner's secret) is never granted to the running service.
   * @default false — the service's task role
   */
  readonly ownTaskRole?: boolean;
}

export interface FargateServiceProps {
  /** Names and tags every resource. */
  readonly naming: Naming;
  /**
   * What the service is; the service, task family, roles and log group are named after it
   * (`<project>-<env>-<name>`), and it is the container's name.
   * @default "app"
   */
  readonly name?: string;
  /** The cluster to run in: a `Cluster`, or the ARN and name of one read from another stack. */
  readonly cluster: ClusterRef;
  /** Where the image comes from: a `ContainerRepository`, or the URL and ARN of one from another stack. */
  readonly repository: RepositoryRef;
  /** The image tag to run (e.g. the commit SHA), or an image digest `sha256:…`. `latest` is refused. */
  readonly imageTag: string;
  /** The VPC the task security group is created in. */
  readonly vpcId: string;
  /** Subnets the tasks run in: private subnets, or public ones when the VPC has no NAT. */
  readonly subnetIds: readonly string[];
  /**
   * Give each task a public IP. Only for public subnets in a VPC without NAT (NAT mode `none`), where
   * tasks otherwise cannot reach ECR; inbound traffic is still limited by the security group.
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /**
   * Security groups the tasks join besides their own, e.g. a group another stack has already admitted
   * to its database (how preview services reach the shared database without editing its rules).
   * @default - none
   */
  readonly additionalSecurityGroupIds?: readonly string[];
  /**
   * Task CPU units (256 = ¼ vCPU). Must pair with `memoryMiB` as Fargate allows.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB.
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * CPU architecture the image is built for.
   * @default "X86_64"
   */
  readonly cpuArchitecture?: "X86_64" | "ARM64";
  /**
   * Tasks to run. With `autoscaling`, the count at creation only (the scaler owns it afterwards).
   * @default 1, or `autoscaling.minCount`
   */
  readonly desiredCount?: number;
  /**
   * The port the container listens on; 1024 or above (the container runs without root and without
   * capabilities, so it cannot bind lower ports).
   * @default 3000
   */
  readonly containerPort?: number;
  /**
   * Path the container health check requests on `127.0.0.1:<containerPort>` with Node's `fetch`
   * (the image has `node` but no `curl`); a non-2xx answer or no answer within 4 s fails it.
   * @default "/healthz"
   */
  readonly healthCheckPath?: string;
  /**
   * The user (`uid[:gid]` or name) the container runs as; root is refused.
   * @default "1000:1000" — `node` in the official Node images
   */
  readonly user?: string;
  /**
   * Seconds between SIGTERM and SIGKILL when a task stops. The service finishes in-flight requests and
   * closes its pool within `SHUTDOWN_TIMEOUT_MS` (at most 28 s), so 30 s lets it end cleanly.
   * @default 30
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * Plain environment variables. Names that look like secrets (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`,
   * `*API_KEY*`, `*ACCESS_KEY*`) are refused unless the value is an ARN (or a reference, for names
   * ending in `_ARN`), or a number for names ending in a unit (`TOKEN_TTL_SECONDS`); values holding
   * access keys, private keys or URLs with passwords are refused.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Environment variables injected from Secrets Manager when a task starts (never stored in the task
   * definition). The execution role may read exactly these secrets, nothing else.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, ContainerSecret>>;
  /**
   * Days to keep container logs; must be a period CloudWatch Logs accepts.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Register tasks in a load balancer target group.
   * @default - not behind a load balancer
   */
  readonly loadBalancer?: FargateLoadBalancerProps;
  /**
   * Target-tracking autoscaling on CPU (and on ALB requests per target when a request-count label is
   * given). Terraform then ignores `desired_count` so it does not undo the scaler.
   * @default - no autoscaling: `desiredCount` tasks
   */
  readonly autoscaling?: FargateAutoscalingProps;
  /**
   * A one-off migration task definition: same image, environment, secrets and roles, the command
   * overridden, logs under the `migrate` stream prefix. Run it with `aws ecs run-task`.
   * @default - no migration task definition
   */
  readonly migration?: FargateMigrationProps;
  /**
   * Lowest percentage of `desiredCount` kept running during a deployment.
   * @default 100 — a deployment never drops below the running count
   */
  readonly deploymentMinHealthyPercent?: number;
  /**
   * Highest percentage of `desiredCount` running during a deployment.
   * @default 200 — a full new set starts before the old one stops
   */
  readonly deploymentMaxPercent?: number;
  /**
   * Allow `aws ecs execute-command` into running tasks (adds the SSM messages permissions ECS Exec
   * needs to the task role). For debugging; every session is a shell inside production.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /**
   * A managed policy set as the permissions boundary of the task and execution roles: the most
   * either may do, whatever is granted to them. Give the kit's workload boundary
   * (`CiAccess.workloadBoundary`); roles created by the kit's CI roles must carry it.
   * @default - no boundary: the roles can do exactly what their policies grant
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * Keep task definition revisions (the service's and the migration's) registered when Terraform
   * replaces or destroys them, so the deployment circuit breaker can roll back to the previous one.
   * Turning it off makes Terraform deregister them, which needs `ecs:DeregisterTaskDefinition` —
   * an action IAM can grant only on every task definition of the account.
   * @default true
   */
  readonly keepSupersededRevisions?: boolean;
}

export interface GrantReadSecretOptions {
  /** The customer-managed KMS key the secret is encrypted with. @default - AWS-managed key */
  readonly kmsKeyArn?: string;
  /**
   * Which task role may read it: the service's, the migration's own (`migration.ownTaskRole`), or
   * both. @default "both" (one role when the migration shares the service's)
   */
  readonly to?: "service" | "migration" | "both";
}

/** How `aws ecs run-task` must place a one-off task (the migration) to reach what the service reaches. */
export interface RunTaskNetwork {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly assignPublicIp: boolean;
}

/** `RunTaskNetwork` in the shape ECS's RunTask API takes (`aws ecs run-task --network-configuration`). */
export function runTaskNetworkConfiguration(network: RunTaskNetwork): {
  awsvpcConfiguration: {
    subnets: string[];
    securityGroups: string[];
    assignPublicIp: "ENABLED" | "DISABLED";
  };
} {
  return {
    awsvpcConfiguration: {
      subnets: [...network.subnetIds],
      securityGroups: [...network.securityGroupIds],
      assignPublicIp: network.assignPublicIp ? "ENABLED" : "DISABLED",
    },
  };
}

const MIGRATION_STREAM_PREFIX = "migrate";
/** Writable task-storage volumes (empty bind mounts) → where they are mounted. */
const TMP_VOLUMES = { tmp: "/tmp" };
/**
 * ECS Exec's SSM agent writes its state and logs under these paths, which a read-only root
 * filesystem otherwise refuses (aws/containers-roadmap#1359; amazon-ecs-exec-checker#21).
 */
const EXEC_VOLUMES = { "ssm-state": "/var/lib/amazon", "ssm-logs": "/var/log/amazon" };

/**
 * A Fargate service and everything it runs with: the task definition (read-only root filesystem,
 * non-root user, no Linux capabilities, a writable `/tmp`, a container health check, logs to a log
 * group with retention, secrets injected from Secrets Manager), an execution role that can pull only
 * this image, write only this log group and read only the given secrets, an empty task role for
 * other modules to grant to, a security group with no ingress and HTTPS-only egress, a deployment
 * circuit breaker that rolls back, and optional target-tracking autoscaling and migration task.
 */
export class FargateService extends Construct {
  readonly service: EcsService;
  readonly serviceName: string;
  readonly taskDefinition: EcsTaskDefinition;
  readonly migrationTaskDefinition?: EcsTaskDefinition;
  readonly securityGroup: SecurityGroup;
  /** The role the application runs as; grant it what the code calls (`bucket.grantReadWrite(...)`). */
  readonly taskRole: IamRole;
  /** The role ECS uses to start tasks: pull the image, write logs, resolve secrets. */
  readonly executionRole: IamRole;
  /** The migration task's own role (`migration.ownTaskRole`); otherwise the migration runs as `taskRole`. */
  readonly migrationTaskRole?: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly containerName: string;
  readonly containerPort: number;
  /** Subnets, security group and public-IP setting for `aws ecs run-task` (the migration task). */
  readonly runTaskNetwork: RunTaskNetwork;
  readonly autoscalingTarget?: AppautoscalingTarget;
  private readonly naming: Naming;
  private readonly name: string;
  private allowRules = 0;
  private readonly secretGrants = new Set<string>();

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { naming } = props;
    const name = props.name ?? "app";
    const settings = validate(props);
    this.naming = naming;
    this.name = name;
    this.containerName = name;
    this.containerPort = settings.containerPort;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/ecs/${naming.name(name)}`,
      retentionInDays: settings.logRetentionDays,
    });

    // Both roles: only ECS tasks of this account (and, for the task role, of this region) may assume them.
    const trustAccount = serviceTrustPolicy("ecs-tasks.amazonaws.com", naming.accountId);
    const trustAccountAndRegion = serviceTrustPolicy(
      "ecs-tasks.amazonaws.com",
      naming.accountId,
      `arn:aws:ecs:${naming.region}:${naming.accountId}:*`,
    );
    this.executionRole = new IamRole(this, "execution-role", {
      name: naming.name(`${name}-execution`, NAME_LIMITS.iamRole),
      description: `Lets ECS start ${naming.name(name)} tasks: pull its image, write its logs, read its secrets`,
      assumeRolePolicy: trustAccount,
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    this.taskRole = new IamRole(this, "task-role", {
      name: naming.name(`${name}-task`, NAME_LIMITS.iamRole),
      description: `What the ${naming.name(name)} application may do in AWS`,
      assumeRolePolicy: trustAccountAndRegion,
      permissionsBoundary: props.permissionsBoundaryArn,
    });

    const secrets = props.secrets ?? {};
    const executionPolicy = attachPolicy(this, "execution-policy", this.executionRole, "start-tasks", [
      ...pullStatements(props.repository.repositoryArn),
      {
        sid: "WriteLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.arn, `${this.logGroup.arn}:log-stream:*`],
      },
      ...readSecretStatements(Object.values(secrets), naming.region),
    ]);

    if (props.enableExecuteCommand) {
      // The SSM messages channel has no resource-level permissions: `*` is the only resource it takes.
      attachPolicy(this, "execute-command-policy", this.taskRole, "ecs-exec", [ECS_EXEC_STATEMENT]);
    }

    this.securityGroup = createSecurityGroup(this, "security-group", {
      naming,
      purpose: `${name}-tasks`,
      vpcId: props.vpcId,
      description: `${naming.name(name)} tasks: ingress only from allowed groups on port ${settings.containerPort}`,
    });
    // No interface endpoints: ECR, CloudWatch Logs, Secrets Manager and S3 are reached over HTTPS.
    allowEgressToCidr(this, "egress-https", {
      group: this.securityGroup,
      port: 443,
      cidr: "0.0.0.0/0",
      description: "HTTPS to AWS APIs (ECR, CloudWatch Logs, Secrets Manager, S3)",
    });

    const image = Token.isUnresolved(props.imageTag)
      ? `${props.repository.repositoryUrl}:${props.imageTag}`
      : props.imageTag.startsWith("sha256:")
        ? `${props.repository.repositoryUrl}@${props.imageTag}`
        : `${props.repository.repositoryUrl}:${props.imageTag}`;
    const volumes: Record<string, string> = {
      ...TMP_VOLUMES,
      ...(props.enableExecuteCommand ? EXEC_VOLUMES : {}),
    };
    const container = {
      name,
      image,
      environment: Object.entries(props.environment ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => ({ name: key, value })),
      secrets: Object.entries(secrets)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, secret]) => ({ name: key, valueFrom: secretValueFrom(secret) })),
      user: settings.user,
      stopTimeout: settings.stopTimeoutSeconds,
      mountPoints: Object.entries(volumes).map(([volume, path]) => ({
        sourceVolume: volume,
        containerPath: path,
        readOnly: false,
      })),
    };
    const taskDefinitionBase = {
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(settings.cpu),
      memory: String(settings.memoryMiB),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: settings.cpuArchitecture },
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      // Empty bind mounts: Fargate task storage, writable although the root filesystem is not.
      volume: Object.keys(volumes).map((volume) => ({ name: volume })),
    };

    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: naming.name(name),
      ...taskDefinitionBase,
      containerDefinitions: JSON.stringify([
        containerDefinition(container, {
          logGroup: this.logGroup.name,
          region: naming.region,
          streamPrefix: name,
          portMappings: [
            { containerPort: settings.containerPort, hostPort: settings.containerPort, protocol: "tcp" },
          ],
          healthCheck: {
            command: [
              "CMD",
              "node",
              "-e",
              healthCheckScript(settings.containerPort, settings.healthCheckPath),
            ],
            interval: 15,
            timeout: 5,
            retries: 3,
            startPeriod: 30,
          },
        }),
      ]),
      // Keep superseded revisions registered: the circuit breaker rolls back to the previous one.
      skipDestroy: props.keepSupersededRevisions ?? true,
      tags: { Name: naming.name(name) },
    });

    if (props.migration) {
      if (props.migration.ownTaskRole) {
        this.migrationTaskRole = new IamRole(this, "migration-task-role", {
          name: naming.name(`${name}-migrate-task`, NAME_LIMITS.iamRole),
          description: `What the ${naming.name(name)} migration task may do in AWS`,
          assumeRolePolicy: trustAccountAndRegion,
          permissionsBoundary: props.permissionsBoundaryArn,
        });
      }
      const migrationEnvironment = { ...(props.environment ?? {}), ...(props.migration.environment ?? {}) };
      this.migrationTaskDefinition = new EcsTaskDefinition(this, "migration-task-definition", {
        family: naming.name(`${name}-migrate`),
        ...taskDefinitionBase,
        taskRoleArn: (this.migrationTaskRole ?? this.taskRole).arn,
        containerDefinitions: JSON.stringify([
          containerDefinition(
            {
              ...container,
              environment: Object.entries(migrationEnvironment)
                .filter((entry): entry is [string, string] => entry[1] !== undefined)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([key, value]) => ({ name: key, value })),
              command: [...props.migration.command],
            },
            { logGroup: this.logGroup.name, region: naming.region, streamPrefix: MIGRATION_STREAM_PREFIX },
          ),
        ]),
        // Like the service's: a destroy or replacement never deregisters (an account-wide action).
        skipDestroy: props.keepSupersededRevisions ?? true,
        tags: { Name: naming.name(`${name}-migrate`) },
      });
    }

    const lb = props.loadBalancer;
    this.service = new EcsService(this, "service", {
      name: naming.name(name),
      cluster: props.cluster.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: settings.desiredCount,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [this.securityGroup.id, ...(props.additionalSecurityGroupIds ?? [])],
        assignPublicIp: settings.assignPublicIp,
      },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: settings.deploymentMinHealthyPercent,
      deploymentMaximumPercent: settings.deploymentMaxPercent,
      ...(lb
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
      dependsOn: [executionPolicy, ...(lb?.dependsOn ?? [])],
      ...(props.autoscaling ? { lifecycle: { ignoreChanges: ["desired_count"] } } : {}),
      tags: { Name: naming.name(name) },
    });
    this.serviceName = this.service.name;

    this.runTaskNetwork = {
      subnetIds: props.subnetIds,
      securityGroupIds: [this.securityGroup.id, ...(props.additionalSecurityGroupIds ?? [])],
      assignPublicIp: settings.assignPublicIp,
    };

    const scaling = props.autoscaling;
    if (scaling) {
      // No role_arn: Application Auto Scaling uses its ECS service-linked role.
      const target = new AppautoscalingTarget(this, "scaling-target", {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: `service/${props.cluster.clusterName}/${this.service.name}`,
        minCapacity: scaling.minCount,
        maxCapacity: scaling.maxCount,
      });
      this.autoscalingTarget = target;
      const onTarget = {
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
      };
      new AppautoscalingPolicy(this, "scale-on-cpu", {
        name: naming.name(`${name}-cpu`),
        ...onTarget,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: settings.cpuTargetPercent,
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
          scaleOutCooldown: 60,
          scaleInCooldown: 300,
        },
      });
      if (lb?.requestCountResourceLabel) {
        new AppautoscalingPolicy(this, "scale-on-requests", {
          name: naming.name(`${name}-requests`),
          ...onTarget,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: settings.requestsPerTarget,
            predefinedMetricSpecification: {
              predefinedMetricType: "ALBRequestCountPerTarget",
              resourceLabel: lb.requestCountResourceLabel,
            },
            scaleOutCooldown: 60,
            scaleInCooldown: 300,
          },
        });
      }
    }
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
      throw new Error(
        'compute.service.grantReadSecret.to: "migration" needs a migration task with its own role (migration.ownTaskRole)',
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

/** GetSecretValue on exactly these secrets, and decrypt with their keys only through Secrets Manager. */
function readSecretStatements(secrets: readonly ContainerSecret[], region: string): PolicyStatement[] {
  const arns = [...new Set(secrets.map((s) => s.secretArn))];
  const keys = [...new Set(secrets.flatMap((s) => (s.kmsKeyArn ? [s.kmsKeyArn] : [])))];
  const statements: PolicyStatement[] = [];
  // A JSON key selects part of the value; the IAM resource is still the whole secret's ARN.
  if (arns.length)
    statements.push({ sid: "ReadSecrets", actions: ["secretsmanager:GetSecretValue"], resources: arns });
  if (keys.length) {
    statements.push({
      sid: "DecryptSecrets",
      actions: ["kms:Decrypt"],
      resources: keys,
      conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
    });
  }
  return statements;
}

interface ContainerBasics {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly environment: Array<{ name: string; value: string }>;
  readonly secrets: Array<{ name: string; valueFrom: string }>;
  readonly user: string;
  readonly stopTimeout: number;
  readonly mountPoints: Array<{ sourceVolume: string; containerPath: string; readOnly: boolean }>;
}

interface ContainerExtras {
  readonly logGroup: string;
  readonly region: string;
  readonly streamPrefix: string;
  readonly portMappings?: Array<{ containerPort: number; hostPort: number; protocol: string }>;
  readonly healthCheck?: Record<string, unknown>;
}

/** One container definition, in the ECS API's shape, with the hardening every container gets. */
function containerDefinition(basics: ContainerBasics, extras: ContainerExtras): Record<string, unknown> {
  return {
    name: basics.name,
    image: basics.image,
    essential: true,
    ...(basics.command ? { command: basics.command } : {}),
    ...(extras.portMappings ? { portMappings: extras.portMappings } : {}),
    environment: basics.environment,
    secrets: basics.secrets,
    user: basics.user,
    readonlyRootFilesystem: true,
    privileged: false,
    // No Linux capabilities at all; tini as PID 1 forwards signals and reaps zombies.
    linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
    mountPoints: basics.mountPoints,
    stopTimeout: basics.stopTimeout,
    ...(extras.healthCheck ? { healthCheck: extras.healthCheck } : {}),
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": extras.logGroup,
        "awslogs-region": extras.region,
        "awslogs-stream-prefix": extras.streamPrefix,
        // A slow CloudWatch must not block the application's writes to stdout.
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
    },
  };
}

/** A health check that needs only `node` (18+) in the image: exit 0 on a 2xx answer within 4 s. */
function healthCheckScript(port: number, path: string): string {
  return `fetch('http://127.0.0.1:${port}${path}',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
}

interface Settings {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: "X86_64" | "ARM64";
  readonly desiredCount: number;
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly user: string;
  readonly stopTimeoutSeconds: number;
  readonly logRetentionDays: number;
  readonly assignPublicIp: boolean;
  readonly deploymentMinHealthyPercent: number;
  readonly deploymentMaxPercent: number;
  readonly healthCheckGracePeriodSeconds: number;
  readonly cpuTargetPercent: number;
  readonly requestsPerTarget: number;
}

/** Applies defaults and throws, naming the field, on anything AWS would reject later or that is unsafe. */
function validate(props: FargateServiceProps): Settings {
  const f = "compute.service";
  const wholeIn = (value: number, min: number, max: number, field: string) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${f}.${field}: ${value} must be a whole number from ${min} to ${max}`);
    }
  };

  const cpu = props.cpu ?? 256;
  const memoryMiB = props.memoryMiB ?? 512;
  assertFargateTaskSize(cpu, memoryMiB, f);

  if (!Token.isUnresolved(props.imageTag)) {
    if (props.imageTag === "latest") {
      throw new Error(
        `${f}.imageTag: "latest" names no particular image; deploy an immutable tag such as the commit SHA`,
      );
    }
    if (
      !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(props.imageTag) &&
      !/^sha256:[a-f0-9]{64}$/.test(props.imageTag)
    ) {
      throw new Error(`${f}.imageTag: "${props.imageTag}" is not an image tag or a sha256: digest`);
    }
  }
  if (props.subnetIds.length === 0) throw new Error(`${f}.subnetIds: give at least one subnet`);

  const containerPort = props.containerPort ?? 3000;
  if (!Number.isInteger(containerPort) || containerPort < 1024 || containerPort > 65535) {
    throw new Error(
      `${f}.containerPort: ${containerPort} must be 1024–65535 (the container runs as non-root without capabilities)`,
    );
  }
  const healthCheckPath = props.healthCheckPath ?? "/healthz";
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(healthCheckPath)) {
    throw new Error(
      `${f}.healthCheckPath: "${healthCheckPath}" must be a path such as /healthz (letters, digits, / . _ ~ -)`,
    );
  }
  const user = props.user ?? "1000:1000";
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/.test(user)) {
    throw new Error(`${f}.user: "${user}" must be uid[:gid] or a user name`);
  }
  if (["0", "root"].includes(user.split(":")[0] as string)) {
    throw new Error(`${f}.user: "${user}" is root; run as the image's unprivileged user (e.g. 1000:1000)`);
  }
  const stopTimeoutSeconds = props.stopTimeoutSeconds ?? 30;
  wholeIn(stopTimeoutSeconds, 2, 120, "stopTimeoutSeconds");
  const logRetentionDays = props.logRetentionDays ?? 30;
  assertLogRetention(logRetentionDays, `${f}.logRetentionDays`);

  const environment = props.environment ?? {};
  assertPlainEnvironment(environment, `${f}.environment`);
  assertSecrets(props.secrets ?? {}, environment, `${f}.secrets`);
  const migrationEnvironment = Object.fromEntries(
    Object.entries(props.migration?.environment ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  assertPlainEnvironment(migrationEnvironment, `${f}.migration.environment`);
  for (const name of Object.keys(migrationEnvironment)) {
    if (props.secrets?.[name])
      throw new Error(`${f}.migration.environment.${name}: also injected as a secret`);
  }

  const deploymentMinHealthyPercent = props.deploymentMinHealthyPercent ?? 100;
  const deploymentMaxPercent = props.deploymentMaxPercent ?? 200;
  wholeIn(deploymentMinHealthyPercent, 0, 100, "deploymentMinHealthyPercent");
  wholeIn(deploymentMaxPercent, 100, 200, "deploymentMaxPercent");
  if (deploymentMaxPercent <= deploymentMinHealthyPercent) {
    throw new Error(
      `${f}.deploymentMaxPercent: ${deploymentMaxPercent} leaves no room to deploy above deploymentMinHealthyPercent ${deploymentMinHealthyPercent}; raise it or lower the minimum`,
    );
  }

  const lb = props.loadBalancer;
  const healthCheckGracePeriodSeconds = lb?.healthCheckGracePeriodSeconds ?? 60;
  wholeIn(healthCheckGracePeriodSeconds, 0, 2_147_483_647, "loadBalancer.healthCheckGracePeriodSeconds");
  const label = lb?.requestCountResourceLabel;
  if (
    label !== undefined &&
    !Token.isUnresolved(label) &&
    !/^app\/[^/]+\/[^/]+\/targetgroup\/[^/]+\/[^/]+$/.test(label)
  ) {
    throw new Error(
      `${f}.loadBalancer.requestCountResourceLabel: "${label}" must be app/<alb>/<id>/targetgroup/<tg>/<id> (the two arn_suffix values joined by /)`,
    );
  }

  const scaling = props.autoscaling;
  const desiredCount = props.desiredCount ?? scaling?.minCount ?? 1;
  const cpuTargetPercent = scaling?.cpuTargetPercent ?? 60;
  const requestsPerTarget = scaling?.requestsPerTarget ?? 500;
  if (scaling) {
    wholeIn(scaling.minCount, 1, 1000, "autoscaling.minCount");
    wholeIn(scaling.maxCount, scaling.minCount, 1000, "autoscaling.maxCount");
    wholeIn(desiredCount, scaling.minCount, scaling.maxCount, "desiredCount");
    if (!(cpuTargetPercent > 0 && cpuTargetPercent <= 100)) {
      throw new Error(
        `${f}.autoscaling.cpuTargetPercent: ${cpuTargetPercent} must be above 0 and at most 100`,
      );
    }
    if (!(requestsPerTarget > 0)) {
      throw new Error(`${f}.autoscaling.requestsPerTarget: ${requestsPerTarget} must be above 0`);
    }
    if (scaling.requestsPerTarget !== undefined && label === undefined) {
      throw new Error(
        `${f}.autoscaling.requestsPerTarget: needs loadBalancer.requestCountResourceLabel to know which target group to count`,
      );
    }
  } else {
    wholeIn(desiredCount, 0, 1000, "desiredCount");
  }

  if (props.permissionsBoundaryArn !== undefined) {
    assertManagedPolicyArn(props.permissionsBoundaryArn, `${f}.permissionsBoundaryArn`);
  }

  if (props.migration && props.migration.command.length === 0) {
    throw new Error(`${f}.migration.command: give the command that applies migrations`);
  }

  return {
    cpu,
    memoryMiB,
    cpuArchitecture: props.cpuArchitecture ?? "X86_64",
    desiredCount,
    containerPort,
    healthCheckPath,
    user,
    stopTimeoutSeconds,
    logRetentionDays,
    assignPublicIp: props.assignPublicIp ?? false,
    deploymentMinHealthyPercent,
    deploymentMaxPercent,
    healthCheckGracePeriodSeconds,
    cpuTargetPercent,
    requestsPerTarget,
  };
}
