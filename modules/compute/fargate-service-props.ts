/**
 * What a `FargateService` can be told: the service's own props and its optional parts (load
 * balancer, autoscaling, migration task). Defaults and checks are in `service-settings.ts`.
 */
import type { ITerraformDependable } from "cdktf";
import type { Naming } from "../naming/naming.js";
import type { CapacityProviderStrategyItem, CpuArchitecture } from "./capacity.js";
import type { ClusterRef } from "./cluster.js";
import type { EfsVolumeRef } from "./efs-volume.js";
import type { ContainerSecret } from "./environment.js";
import type { RepositoryRef } from "./repository.js";
import type { ContainerDependency, ContainerLogging, SidecarProps } from "./sidecars.js";

/** Where the service registers its tasks behind a load balancer. */
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

/** Target-tracking autoscaling of the service's task count. */
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
  /**
   * Scheduled changes of the scaling range, alongside target tracking: e.g. dev down to zero tasks
   * at night and at weekends, back up in the morning. Each sets `minCount`/`maxCount` at its time.
   * @default - none
   */
  readonly schedules?: readonly FargateScalingSchedule[];
}

/** One scheduled change of the scaling range (an Application Auto Scaling scheduled action). */
export interface FargateScalingSchedule {
  /** What it is, e.g. `night`; the action is named `<project>-<env>-<service>-<name>`. */
  readonly name: string;
  /** When: `cron(0 20 ? * MON-FRI *)`, `rate(1 day)` or `at(yyyy-mm-ddThh:mm:ss)`. */
  readonly schedule: string;
  /**
   * The time zone the cron expression is read in.
   * @default "UTC"
   */
  readonly timezone?: string;
  /** Fewest tasks from then on; 0 stops the service. */
  readonly minCount: number;
  /** Most tasks from then on. */
  readonly maxCount: number;
}

/** An EFS volume mounted into the application container. */
export interface FargateEfsVolumeMount {
  /** The volume's name in the task definition (letters, digits, `_` and `-`). */
  readonly name: string;
  /** The file system and access point: an `EfsVolume`. */
  readonly efs: EfsVolumeRef;
  /** Where the application container sees it, e.g. `/data`. */
  readonly containerPath: string;
  /**
   * Mount it read-only (the task role then gets `ClientMount` only, no `ClientWrite`).
   * @default false
   */
  readonly readOnly?: boolean;
}

/** The one-off migration task: the service's image and settings with another command. */
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

/** Everything a `FargateService` is built from; only the network, cluster, image and naming are required. */
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
   * CPU architecture of the tasks (the task definitions' `runtime_platform`, the migration's too):
   * the image must have a manifest for it. `"ARM64"` (Graviton) costs about 20 % less per vCPU and
   * GB, but cannot run on `FARGATE_SPOT` (refused with a Spot weight or base).
   * @default "X86_64"
   */
  readonly cpuArchitecture?: CpuArchitecture;
  /**
   * Run the service's tasks by a capacity provider strategy instead of the `FARGATE` launch type:
   * e.g. `[{ capacityProvider: "FARGATE_SPOT", weight: 1 }]` (all Spot), or
   * `[{ capacityProvider: "FARGATE", base: 1, weight: 0 }, { capacityProvider: "FARGATE_SPOT", weight: 1 }]`
   * (one on-demand task, the rest Spot). The cluster must have the providers associated (`Cluster`
   * with `capacityProviders`); Spot tasks may be stopped with two minutes' notice and need X86_64.
   * With a strategy the service has no `launch_type` and `force_new_deployment` is on, so changing
   * bases or weights later is an update (a new deployment); switching an existing service between
   * the launch type and a strategy replaces it (AWS provider 5.x), a brief outage.
   * @default - the `FARGATE` launch type (on-demand), exactly as without this prop
   */
  readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[];
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
  /**
   * Extra containers in the service's task (not in the migration's): a proxy, an agent, a FireLens
   * log router. Each runs with the application's hardening — read-only root filesystem, a non-root
   * user, no Linux capabilities, not privileged — and logs to the service's log group under its own
   * stream prefix (or through the FireLens router). Their CPU and memory reservations must leave
   * room in the task for the application.
   * @default - none: the application container alone
   */
  readonly sidecars?: readonly SidecarProps[];
  /**
   * Containers the application container waits for, e.g.
   * `[{ containerName: "envoy", condition: "HEALTHY" }]`.
   * @default - none (and the FireLens router's `START` when the application logs through it)
   */
  readonly containerDependsOn?: readonly ContainerDependency[];
  /**
   * Where the application container's logs go: the service's log group (`awslogs`), or the FireLens
   * router sidecar (`{ firelens: { Name: "cloudwatch_logs", … } }`). The migration always logs to
   * the log group.
   * @default "awslogs"
   */
  readonly containerLogging?: ContainerLogging;
  /**
   * EFS volumes mounted into the application container, with TLS in transit and IAM authorization
   * through the volume's access point; the task role is granted the mount, the volume admits the
   * tasks' security group on NFS. The root filesystem stays read-only.
   * @default - none
   */
  readonly volumes?: readonly FargateEfsVolumeMount[];
}
