/**
 * A `FargateService`'s task definitions — the service's and the one-off migration's — and the
 * hardening every container gets: read-only root filesystem, a non-root user, no Linux
 * capabilities, a writable `/tmp`, non-blocking logs to the service's log group.
 */
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { Token } from "cdktf";
import type { Construct } from "constructs";
import { secretValueFrom } from "./environment.js";
import type { FargateServiceProps } from "./fargate-service-props.js";
import type { ServiceSettings } from "./service-settings.js";
import type { TaskRoles } from "./task-roles.js";

const MIGRATION_STREAM_PREFIX = "migrate";
/** Writable task-storage volumes (empty bind mounts) → where they are mounted. */
const TMP_VOLUMES = { tmp: "/tmp" };
/**
 * ECS Exec's SSM agent writes its state and logs under these paths, which a read-only root
 * filesystem otherwise refuses (aws/containers-roadmap#1359; amazon-ecs-exec-checker#21).
 */
const EXEC_VOLUMES = { "ssm-state": "/var/lib/amazon", "ssm-logs": "/var/log/amazon" };

/** A service's task definitions, created by `createTaskDefinitions`. */
export interface TaskDefinitions {
  /** What the service runs. */
  readonly taskDefinition: EcsTaskDefinition;
  /** The same image and settings running the migration command, when `migration` is given. */
  readonly migrationTaskDefinition?: EcsTaskDefinition;
}

/** Creates the service's task definition, and the migration's when `props.migration` is given, in `scope`. */
export function createTaskDefinitions(
  scope: Construct,
  props: FargateServiceProps,
  settings: ServiceSettings,
  run: { readonly roles: TaskRoles; readonly logGroupName: string },
): TaskDefinitions {
  const { naming } = props;
  const { name } = settings;
  const volumes: Record<string, string> = {
    ...TMP_VOLUMES,
    ...(props.enableExecuteCommand ? EXEC_VOLUMES : {}),
  };
  const container: ContainerBasics = {
    name,
    image: imageReference(props.repository.repositoryUrl, props.imageTag),
    environment: environmentList(props.environment ?? {}),
    secrets: Object.entries(props.secrets ?? {})
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
    executionRoleArn: run.roles.executionRole.arn,
    taskRoleArn: run.roles.taskRole.arn,
    // Empty bind mounts: Fargate task storage, writable although the root filesystem is not.
    volume: Object.keys(volumes).map((volume) => ({ name: volume })),
  };

  const taskDefinition = new EcsTaskDefinition(scope, "task-definition", {
    family: naming.name(name),
    ...taskDefinitionBase,
    containerDefinitions: JSON.stringify([
      containerDefinition(container, {
        logGroup: run.logGroupName,
        region: naming.region,
        streamPrefix: name,
        portMappings: [
          { containerPort: settings.containerPort, hostPort: settings.containerPort, protocol: "tcp" },
        ],
        healthCheck: {
          command: ["CMD", "node", "-e", healthCheckScript(settings.containerPort, settings.healthCheckPath)],
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
  if (!props.migration) return { taskDefinition };

  const migrationEnvironment = { ...(props.environment ?? {}), ...(props.migration.environment ?? {}) };
  const migrationTaskDefinition = new EcsTaskDefinition(scope, "migration-task-definition", {
    family: naming.name(`${name}-migrate`),
    ...taskDefinitionBase,
    taskRoleArn: (run.roles.migrationTaskRole ?? run.roles.taskRole).arn,
    containerDefinitions: JSON.stringify([
      containerDefinition(
        {
          ...container,
          environment: environmentList(migrationEnvironment),
          command: [...props.migration.command],
        },
        { logGroup: run.logGroupName, region: naming.region, streamPrefix: MIGRATION_STREAM_PREFIX },
      ),
    ]),
    // Like the service's: a destroy or replacement never deregisters (an account-wide action).
    skipDestroy: props.keepSupersededRevisions ?? true,
    tags: { Name: naming.name(`${name}-migrate`) },
  });
  return { taskDefinition, migrationTaskDefinition };
}

/** `<repository>:<tag>`, or `<repository>@sha256:…` for a digest. */
function imageReference(repositoryUrl: string, imageTag: string): string {
  return !Token.isUnresolved(imageTag) && imageTag.startsWith("sha256:")
    ? `${repositoryUrl}@${imageTag}`
    : `${repositoryUrl}:${imageTag}`;
}

/** Environment variables in the ECS API's shape, sorted by name; an `undefined` value removes one. */
function environmentList(
  environment: Readonly<Record<string, string | undefined>>,
): Array<{ name: string; value: string }> {
  return Object.entries(environment)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ name: key, value }));
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
