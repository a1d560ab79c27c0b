/**
 * A `FargateService`'s task definitions — the service's and the one-off migration's — and the
 * hardening every container gets: read-only root filesystem, a non-root user, no Linux
 * capabilities, a writable `/tmp`, non-blocking logs to the service's log group.
 */
import {
  EcsTaskDefinition,
  type EcsTaskDefinitionVolume,
} from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { conditional, Fn, type IResolvable, TerraformIterator, Token } from "cdktf";
import type { Construct } from "constructs";
import { PropError } from "../validation/prop-error.js";
import { atPlan, numberText } from "./at-plan.js";
import { usesEc2Capacity } from "./capacity.js";
import { type ContainerSecret, secretValueFrom } from "./environment.js";
import type { FargateEfsVolumeMount, FargateServiceProps } from "./fargate-service-props.js";
import type { ServiceSettings } from "./service-settings.js";
import {
  CONTAINER_NAME,
  CONTAINER_NAME_RULE,
  type ContainerDependency,
  type ContainerLogging,
  logConfiguration,
  sidecarDefinition,
  sidecarVolumes,
  withRouterDependency,
} from "./sidecars.js";
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
  const storage = taskStorage(props.enableExecuteCommand);
  // Values known only at plan (a module's variables) go through `jsonencode`, which writes numbers
  // as numbers and escapes strings; literal values keep the JSON they have always had.
  const encode = containerValuesAtPlan(props, settings)
    ? (...definitions: Record<string, unknown>[]) => Fn.jsonencode(definitions)
    : (...definitions: Record<string, unknown>[]) => JSON.stringify(definitions);
  const sidecars = props.sidecars ?? [];
  if (sidecars.length > 0 && !Array.isArray(storage.volume)) {
    throw new PropError(
      "compute.service.sidecars",
      "cannot be combined with enableExecuteCommand given as a Terraform reference",
    );
  }
  const router = sidecars.find((s) => s.firelensConfiguration)?.name;
  const efs = efsVolumes(props.volumes ?? [], storage);
  const container: ContainerBasics = {
    name,
    image: imageReference(props.repository.repositoryUrl, props.imageTag),
    environment: environmentList(props.environment ?? {}),
    secrets: secretList(props.secrets ?? {}),
    user: settings.user,
    stopTimeout: settings.stopTimeoutSeconds,
    mountPoints: storage.mountPoints,
  };
  const taskDefinitionBase = {
    // An Ec2Capacity's tasks run the same definition: compatible with both (awsvpc works on both).
    requiresCompatibilities: usesEc2Capacity(props.capacityProviderStrategy)
      ? ["FARGATE", "EC2"]
      : ["FARGATE"],
    networkMode: "awsvpc",
    cpu: numberText(settings.cpu),
    memory: numberText(settings.memoryMiB),
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: settings.cpuArchitecture },
    executionRoleArn: run.roles.executionRole.arn,
    taskRoleArn: run.roles.taskRole.arn,
    // Empty bind mounts: Fargate task storage, writable although the root filesystem is not.
    volume: storage.volume,
  };

  const taskDefinition = new EcsTaskDefinition(scope, "task-definition", {
    family: naming.name(name),
    ...taskDefinitionBase,
    // The sidecars' writable paths and the EFS volumes belong to the service's task only.
    ...(sidecars.length > 0 || efs.volumes.length > 0
      ? {
          volume: [
            ...(storage.volume as EcsTaskDefinitionVolume[]),
            ...sidecars.flatMap((s) => Object.keys(sidecarVolumes(s)).map((volume) => ({ name: volume }))),
            ...efs.volumes,
          ],
        }
      : {}),
    containerDefinitions: encode(
      containerDefinition(
        efs.mountPoints.length > 0
          ? { ...container, mountPoints: [...(storage.mountPoints as unknown[]), ...efs.mountPoints] }
          : container,
        {
          logGroup: run.logGroupName,
          region: naming.region,
          streamPrefix: name,
          logging: props.containerLogging,
          dependsOn: withRouterDependency(props.containerDependsOn, props.containerLogging, router),
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
        },
      ),
      ...sidecars.map((sidecar) =>
        sidecarDefinition(sidecar, { logGroup: run.logGroupName, region: naming.region, router }),
      ),
    ),
    // Keep superseded revisions registered: the circuit breaker rolls back to the previous one.
    skipDestroy: props.keepSupersededRevisions ?? true,
    tags: { Name: naming.name(name) },
  });
  if (!props.migration) return { taskDefinition };

  if (atPlan(props.environment) && Object.keys(props.migration.environment ?? {}).length > 0) {
    throw new PropError(
      "compute.service.migration.environment",
      "cannot be merged over an environment given as a Terraform reference; give the migration none",
    );
  }
  const migrationEnvironment = atPlan(props.environment)
    ? (props.environment as Record<string, string>)
    : { ...(props.environment ?? {}), ...(props.migration.environment ?? {}) };
  const migrationTaskDefinition = new EcsTaskDefinition(scope, "migration-task-definition", {
    family: naming.name(`${name}-migrate`),
    ...taskDefinitionBase,
    taskRoleArn: (run.roles.migrationTaskRole ?? run.roles.taskRole).arn,
    containerDefinitions: encode(
      containerDefinition(
        {
          ...container,
          environment: environmentList(migrationEnvironment),
          command: [...props.migration.command],
        },
        { logGroup: run.logGroupName, region: naming.region, streamPrefix: MIGRATION_STREAM_PREFIX },
      ),
    ),
    // Like the service's: a destroy or replacement never deregisters (an account-wide action).
    skipDestroy: props.keepSupersededRevisions ?? true,
    tags: { Name: naming.name(`${name}-migrate`) },
  });
  return { taskDefinition, migrationTaskDefinition };
}

/**
 * True when a value the container definition holds is a Terraform reference that `JSON.stringify`
 * cannot carry: a number, a map, the ECS Exec switch, or a string a variable may fill with quotes.
 */
function containerValuesAtPlan(props: FargateServiceProps, settings: ServiceSettings): boolean {
  return [
    settings.containerPort,
    settings.stopTimeoutSeconds,
    settings.healthCheckPath,
    settings.user,
    props.environment,
    props.secrets,
    props.enableExecuteCommand,
  ].some(atPlan);
}

/**
 * The writable volumes and where the container mounts them: `/tmp`, and ECS Exec's paths when it is
 * on. A switch known only at plan chooses between the two sets in Terraform (a dynamic block).
 */
function taskStorage(enableExecuteCommand: boolean | undefined): {
  volume: EcsTaskDefinitionVolume[] | IResolvable;
  mountPoints: unknown;
} {
  const mounts = (volumes: Record<string, string>) =>
    Object.entries(volumes).map(([volume, path]) => ({
      sourceVolume: volume,
      containerPath: path,
      readOnly: false,
    }));
  if (!atPlan(enableExecuteCommand)) {
    const volumes: Record<string, string> = { ...TMP_VOLUMES, ...(enableExecuteCommand ? EXEC_VOLUMES : {}) };
    return {
      volume: Object.keys(volumes).map((volume) => ({ name: volume })),
      mountPoints: mounts(volumes),
    };
  }
  const names = TerraformIterator.fromList(
    Token.asList(
      conditional(
        enableExecuteCommand,
        [...Object.keys(TMP_VOLUMES), ...Object.keys(EXEC_VOLUMES)],
        Object.keys(TMP_VOLUMES),
      ),
    ),
  );
  return {
    volume: names.dynamic({ name: names.value }),
    mountPoints: Fn.concat([
      mounts(TMP_VOLUMES),
      conditional(enableExecuteCommand, mounts(EXEC_VOLUMES), []),
    ]),
  };
}

/**
 * `<repository>:<tag>`, or `<repository>@sha256:…` for a digest; for a tag known only at plan,
 * Terraform picks the separator.
 */
function imageReference(repositoryUrl: string, imageTag: string): string {
  if (Token.isUnresolved(imageTag)) {
    const separator = Token.asString(conditional(Fn.startswith(imageTag, "sha256:"), "@", ":"));
    return `${repositoryUrl}${separator}${imageTag}`;
  }
  return imageTag.startsWith("sha256:") ? `${repositoryUrl}@${imageTag}` : `${repositoryUrl}:${imageTag}`;
}

/**
 * Environment variables in the ECS API's shape, sorted by name; an `undefined` value removes one.
 * A map given as a reference becomes a `for` expression (Terraform iterates maps in key order).
 */
function environmentList(environment: Readonly<Record<string, string | undefined>>): unknown {
  if (atPlan(environment)) {
    return TerraformIterator.fromMap(environment as Record<string, string>).forExpressionForList(
      "{ name = key, value = val }",
    );
  }
  return Object.entries(environment)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ name: key, value }));
}

/** Secrets in the ECS API's shape, sorted by name; a map given as a reference, as a `for` expression. */
function secretList(secrets: Readonly<Record<string, ContainerSecret>>): unknown {
  if (atPlan(secrets)) {
    // `secretValueFrom` in Terraform: the ARN, or `<arn>:<json key>::`.
    return TerraformIterator.fromMap(secrets as Record<string, ContainerSecret>).forExpressionForList(
      '{ name = key, valueFrom = val.jsonKey == null ? val.secretArn : format("%s:%s::", val.secretArn, val.jsonKey) }',
    );
  }
  return Object.entries(secrets)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, secret]) => ({ name: key, valueFrom: secretValueFrom(secret) }));
}

interface ContainerBasics {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  /** A list of `{ name, value }`, or a reference to one. */
  readonly environment: unknown;
  /** A list of `{ name, valueFrom }`, or a reference to one. */
  readonly secrets: unknown;
  readonly user: string;
  readonly stopTimeout: number;
  /** A list of mount points, or a reference to one. */
  readonly mountPoints: unknown;
}

interface ContainerExtras {
  readonly logGroup: string;
  readonly region: string;
  readonly streamPrefix: string;
  /** @default "awslogs" */
  readonly logging?: ContainerLogging;
  readonly dependsOn?: readonly ContainerDependency[];
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
    ...(extras.dependsOn?.length ? { dependsOn: extras.dependsOn } : {}),
    stopTimeout: basics.stopTimeout,
    ...(extras.healthCheck ? { healthCheck: extras.healthCheck } : {}),
    // awslogs: a slow CloudWatch must not block the application's writes to stdout (non-blocking).
    logConfiguration: logConfiguration(extras.logging, {
      logGroup: extras.logGroup,
      region: extras.region,
      streamPrefix: extras.streamPrefix,
    }),
  };
}

/** An absolute container path (an EFS mount point). */
const CONTAINER_PATH = /^\/[A-Za-z0-9._/-]+$/;

/**
 * The task definition's EFS volumes — TLS in transit, IAM authorization through the access point —
 * and the application container's mount points for them. Throws, naming the field, on a bad or
 * duplicate name or path.
 */
export function efsVolumes(
  mounts: readonly FargateEfsVolumeMount[],
  storage: { volume: unknown; mountPoints: unknown } = { volume: [], mountPoints: [] },
): {
  volumes: EcsTaskDefinitionVolume[];
  mountPoints: Array<{ sourceVolume: string; containerPath: string; readOnly: boolean }>;
} {
  const f = "compute.service.volumes";
  if (mounts.length > 0 && !Array.isArray(storage.volume)) {
    throw new PropError(f, "cannot be combined with enableExecuteCommand given as a Terraform reference");
  }
  const taken = new Set<string>([...Object.keys(TMP_VOLUMES), ...Object.keys(EXEC_VOLUMES)]);
  const paths = new Set<string>([...Object.values(TMP_VOLUMES), ...Object.values(EXEC_VOLUMES)]);
  mounts.forEach((mount, i) => {
    if (!CONTAINER_NAME.test(mount.name))
      throw new PropError(`${f}[${i}].name`, `"${mount.name}" ${CONTAINER_NAME_RULE}`);
    if (taken.has(mount.name))
      throw new PropError(`${f}[${i}].name`, `"${mount.name}" is already a volume of the task`);
    taken.add(mount.name);
    const path = mount.containerPath;
    if (!CONTAINER_PATH.test(path) || path.split("/").includes("..")) {
      throw new PropError(`${f}[${i}].containerPath`, `"${path}" must be an absolute path`);
    }
    if (paths.has(path)) throw new PropError(`${f}[${i}].containerPath`, `"${path}" is already mounted`);
    paths.add(path);
  });
  return {
    volumes: mounts.map((mount) => ({
      name: mount.name,
      efsVolumeConfiguration: {
        fileSystemId: mount.efs.fileSystemId,
        // With an access point the root directory is the access point's; "/" is the only value allowed.
        rootDirectory: "/",
        transitEncryption: "ENABLED",
        authorizationConfig: { accessPointId: mount.efs.accessPointId, iam: "ENABLED" },
      },
    })),
    mountPoints: mounts.map((mount) => ({
      sourceVolume: mount.name,
      containerPath: mount.containerPath,
      readOnly: mount.readOnly ?? false,
    })),
  };
}

/** A health check that needs only `node` (18+) in the image: exit 0 on a 2xx answer within 4 s. */
function healthCheckScript(port: number, path: string): string {
  return `fetch('http://127.0.0.1:${numberText(port)}${path}',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
}
