/**
 * Sidecar containers of a `FargateService`: what they take, how they are checked, and their
 * container definitions. Every sidecar gets the application container's hardening (read-only root
 * filesystem, a non-root user, no Linux capabilities, not privileged) and logs to the service's log
 * group under its own stream prefix, or through a FireLens log router sidecar.
 */
import { Token } from "cdktf";
import { PropError } from "../validation/prop-error.js";
import { oneOfRule } from "../validation/validators.js";
import {
  assertPlainEnvironment,
  assertSecrets,
  type ContainerSecret,
  SECRET_VALUES,
  secretValueFrom,
} from "./environment.js";

/** When a container may start, relative to another container of the task. */
export type ContainerDependencyCondition = "START" | "COMPLETE" | "SUCCESS" | "HEALTHY";
/** The conditions ECS knows. */
export const CONTAINER_DEPENDENCY_CONDITIONS: readonly ContainerDependencyCondition[] = [
  "START",
  "COMPLETE",
  "SUCCESS",
  "HEALTHY",
];

/** A container this one waits for (the task definition's `dependsOn`). */
export interface ContainerDependency {
  /** The other container's name: a sidecar's, or the service's `name` (the application container). */
  readonly containerName: string;
  /**
   * `START`: it has started; `HEALTHY`: its health check passes (it needs one); `COMPLETE` /
   * `SUCCESS`: it has exited (with code 0 for `SUCCESS`), only for a non-essential container.
   */
  readonly condition: ContainerDependencyCondition;
}

/** How a container's logs leave it. */
export type ContainerLogging = "awslogs" | FirelensLogging;

/** Logs through the task's FireLens log router sidecar (`awsfirelens`), with its output plugin's options. */
export interface FirelensLogging {
  /**
   * The output plugin's options, e.g. `{ Name: "cloudwatch_logs", region: "us-east-1",
   * log_group_name: "/ecs/app", log_stream_prefix: "app-", auto_create_group: "false" }`. Plain text
   * in the task definition: values holding credentials are refused.
   */
  readonly firelens: Readonly<Record<string, string>>;
}

/** A sidecar's health check (the ECS container health check). */
export interface SidecarHealthCheck {
  /** `["CMD", "executable", "arg", …]` or `["CMD-SHELL", "command"]`. */
  readonly command: readonly string[];
  /** Seconds between checks. @default 15 */
  readonly intervalSeconds?: number;
  /** Seconds a check may take. @default 5 */
  readonly timeoutSeconds?: number;
  /** Failed checks before the container is unhealthy. @default 3 */
  readonly retries?: number;
  /** Seconds after start during which failures do not count. @default 30 */
  readonly startPeriodSeconds?: number;
}

/** A port a sidecar listens on, inside the task (awsvpc: reachable by the task's own containers). */
export interface SidecarPortMapping {
  /** The port; 1024 or above (the sidecar runs without root and capabilities). */
  readonly containerPort: number;
  /** The port's protocol. @default "tcp" */
  readonly protocol?: "tcp" | "udp";
}

/** An extra container in the service's task, beside the application container. */
export interface SidecarProps {
  /** The container's name, unique in the task (letters, digits, `_` and `-`). */
  readonly name: string;
  /**
   * The full image reference, pinned: `<repository>:<tag>` (not `latest`, not without a tag) or
   * `<repository>@sha256:<digest>`. The execution role pulls only the service's own repository, so
   * an image from a private ECR repository of another name needs a grant; public registries
   * (`public.ecr.aws/...`) need none.
   */
  readonly image: string;
  /**
   * Whether the task stops when this container stops.
   * @default false
   */
  readonly essential?: boolean;
  /** The command, over the image's. @default - the image's command */
  readonly command?: readonly string[];
  /** The entry point, over the image's. @default - the image's entry point */
  readonly entryPoint?: readonly string[];
  /**
   * Containers this one waits for.
   * @default - none
   */
  readonly dependsOn?: readonly ContainerDependency[];
  /**
   * Ports it listens on.
   * @default - none
   */
  readonly portMappings?: readonly SidecarPortMapping[];
  /**
   * Plain environment variables, checked like the application's (no secrets in plain text).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Variables injected from Secrets Manager at start; the execution role may read these too.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, ContainerSecret>>;
  /**
   * The container's health check.
   * @default - no health check (then no container may wait for it to be `HEALTHY`)
   */
  readonly healthCheck?: SidecarHealthCheck;
  /**
   * CPU units reserved for it, out of the task's.
   * @default - none reserved (it shares the task's CPU)
   */
  readonly cpu?: number;
  /**
   * Soft memory limit (MiB) reserved for it, out of the task's.
   * @default - none reserved
   */
  readonly memoryReservationMiB?: number;
  /**
   * Hard memory limit (MiB): the container is killed above it.
   * @default - none (the task's memory)
   */
  readonly memoryMiB?: number;
  /**
   * The user (`uid[:gid]` or name) it runs as; root is refused.
   * @default "1000:1000"
   */
  readonly user?: string;
  /**
   * Writable paths (empty task-storage volumes of its own) besides `/tmp`, since the root
   * filesystem is read-only, e.g. `["/var/run/envoy"]`.
   * @default - only `/tmp`
   */
  readonly writablePaths?: readonly string[];
  /**
   * Makes this sidecar the task's FireLens log router (`firelensConfiguration`): other containers
   * with `logging: { firelens: … }` send their logs through it. At most one per task; its own logs
   * go to the service's log group through awslogs.
   * @default - not a log router
   */
  readonly firelensConfiguration?: {
    /** The router: Fluent Bit (`aws-for-fluent-bit` image) or Fluentd. */
    readonly type: "fluentbit" | "fluentd";
    /** FireLens options, e.g. `{ "enable-ecs-log-metadata": "true" }`. @default - none */
    readonly options?: Readonly<Record<string, string>>;
  };
  /**
   * Where its logs go: the service's log group (stream prefix = the sidecar's name), or the FireLens
   * router with the given output options.
   * @default "awslogs"
   */
  readonly logging?: ContainerLogging;
}

/** What a sidecar's (or container's) name must be. */
export const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** What a container name must be. */
export const CONTAINER_NAME_RULE = "must be 1–255 letters, digits, _ or -";
/** A pinned image reference: `<repository>:<tag>` or `<repository>@sha256:<digest>`. */
export const PINNED_IMAGE =
  /^[a-z0-9][a-z0-9._\-/:]*[a-z0-9](:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;
/** What a sidecar image must be. */
export const PINNED_IMAGE_RULE =
  "must be a pinned image reference: <repository>:<tag> (not latest) or <repository>@sha256:<digest>";
/** An absolute path a writable volume may be mounted at. */
export const WRITABLE_PATH = /^\/[A-Za-z0-9._/-]+$/;

/** `uid[:gid]` or a user name (as the application's `user`). */
const CONTAINER_USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
const ROOT_USERS = ["0", "root"];

/** Throws when a pinned image reference is malformed, unpinned or `latest`; references pass. */
export function assertPinnedImage(image: string, field: string): void {
  if (Token.isUnresolved(image)) return;
  // The last path segment holds the tag; a registry host may have a port (host:5000/repo).
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  if (!image.includes("@") && !lastSegment.includes(":"))
    throw new PropError(field, `"${image}" ${PINNED_IMAGE_RULE}`);
  if (/:latest$/.test(image)) throw new PropError(field, `"${image}" ${PINNED_IMAGE_RULE}`);
  if (!PINNED_IMAGE.test(image)) throw new PropError(field, `"${image}" ${PINNED_IMAGE_RULE}`);
}

/** What the checks of the sidecars need to know about the task and its application container. */
export interface SidecarContext {
  /** The application container's name. */
  readonly appName: string;
  /** The task's CPU units. @default - unknown at synth: not checked */
  readonly taskCpu?: number;
  /** The task's memory (MiB). @default - unknown at synth: not checked */
  readonly taskMemoryMiB?: number;
  /** The containers the application container waits for. @default - none */
  readonly appDependsOn?: readonly ContainerDependency[];
  /** Where the application container's logs go. @default "awslogs" */
  readonly appLogging?: ContainerLogging;
  /** The application container has a health check (it always has). */
  readonly appHasHealthCheck: boolean;
}

/**
 * Throws, naming the field, on sidecars ECS would refuse at registration or at start, or that are
 * unsafe: duplicate names, unpinned images, root, secrets in plain text, a dependency on a missing
 * container, a cycle, `HEALTHY` on a container without a health check, `COMPLETE`/`SUCCESS` on an
 * essential one, FireLens logging without a router, or reservations that do not fit the task.
 */
export function assertSidecars(sidecars: readonly SidecarProps[], context: SidecarContext, f: string): void {
  const names = new Set<string>([context.appName]);
  const byName = new Map<string, SidecarProps>();
  sidecars.forEach((sidecar, i) => {
    const at = `${f}.sidecars[${i}]`;
    if (!CONTAINER_NAME.test(sidecar.name))
      throw new PropError(`${at}.name`, `"${sidecar.name}" ${CONTAINER_NAME_RULE}`);
    if (names.has(sidecar.name)) {
      throw new PropError(`${at}.name`, `"${sidecar.name}" is already a container of the task`);
    }
    names.add(sidecar.name);
    byName.set(sidecar.name, sidecar);
    assertPinnedImage(sidecar.image, `${at}.image`);
    const user = sidecar.user ?? "1000:1000";
    if (!Token.isUnresolved(user)) {
      if (!CONTAINER_USER.test(user))
        throw new PropError(`${at}.user`, `"${user}" must be uid[:gid] or a user name`);
      if (ROOT_USERS.includes(user.split(":")[0] as string)) {
        throw new PropError(
          `${at}.user`,
          `"${user}" must not be root (uid 0 or root); sidecars run unprivileged`,
        );
      }
    }
    const environment = sidecar.environment ?? {};
    assertPlainEnvironment(environment, `${at}.environment`);
    assertSecrets(sidecar.secrets ?? {}, environment, `${at}.secrets`);
    for (const [j, port] of (sidecar.portMappings ?? []).entries()) {
      if (!Number.isInteger(port.containerPort) || port.containerPort < 1024 || port.containerPort > 65535) {
        throw new PropError(
          `${at}.portMappings[${j}].containerPort`,
          `${port.containerPort} must be 1024–65535 (the sidecar runs as non-root without capabilities)`,
        );
      }
    }
    for (const [j, path] of (sidecar.writablePaths ?? []).entries()) {
      if (!WRITABLE_PATH.test(path) || path === "/tmp" || path.split("/").includes("..")) {
        throw new PropError(
          `${at}.writablePaths[${j}]`,
          `"${path}" must be an absolute path other than /tmp`,
        );
      }
    }
    if (sidecar.healthCheck && sidecar.healthCheck.command.length < 2) {
      throw new PropError(`${at}.healthCheck.command`, 'give ["CMD", …] or ["CMD-SHELL", "…"]');
    }
    for (const [key, value] of Object.entries(
      sidecar.logging === undefined || sidecar.logging === "awslogs" ? {} : sidecar.logging.firelens,
    )) {
      assertNoCredential(value, `${at}.logging.firelens.${key}`);
    }
    if (sidecar.firelensConfiguration && sidecar.logging !== undefined && sidecar.logging !== "awslogs") {
      throw new PropError(
        `${at}.logging`,
        "a log router logs to the service's log group (awslogs), not through itself",
      );
    }
    for (const [key] of [["memoryMiB"], ["memoryReservationMiB"], ["cpu"]] as const) {
      const value = sidecar[key];
      if (value !== undefined && !Token.isUnresolved(value) && !(Number.isInteger(value) && value > 0)) {
        throw new PropError(`${at}.${key}`, `${value} must be a whole number above 0`);
      }
    }
  });
  for (const [key, value] of Object.entries(
    context.appLogging === undefined || context.appLogging === "awslogs" ? {} : context.appLogging.firelens,
  )) {
    assertNoCredential(value, `${f}.containerLogging.firelens.${key}`);
  }

  const routers = sidecars.filter((s) => s.firelensConfiguration);
  if (routers.length > 1) {
    throw new PropError(`${f}.sidecars`, "at most one sidecar may be the FireLens log router");
  }
  const usesFirelens = (logging: ContainerLogging | undefined) =>
    logging !== undefined && logging !== "awslogs";
  if (routers.length === 0) {
    if (usesFirelens(context.appLogging)) {
      throw new PropError(
        `${f}.containerLogging`,
        "FireLens logging needs a sidecar with firelensConfiguration",
      );
    }
    sidecars.forEach((s, i) => {
      if (usesFirelens(s.logging)) {
        throw new PropError(
          `${f}.sidecars[${i}].logging`,
          "FireLens logging needs a sidecar with firelensConfiguration",
        );
      }
    });
  }

  // Dependencies: to a container of the task, never itself, HEALTHY only on a health-checked one,
  // COMPLETE/SUCCESS only on a non-essential one, and no cycle.
  const graph = new Map<string, string[]>();
  const checkDependencies = (from: string, dependencies: readonly ContainerDependency[], at: string) => {
    graph.set(
      from,
      dependencies.map((d) => d.containerName),
    );
    dependencies.forEach((dependency, j) => {
      const field = `${at}[${j}]`;
      if (!CONTAINER_DEPENDENCY_CONDITIONS.includes(dependency.condition)) {
        throw new PropError(
          `${field}.condition`,
          `"${dependency.condition}" ${oneOfRule(CONTAINER_DEPENDENCY_CONDITIONS)}`,
        );
      }
      const name = dependency.containerName;
      if (name === from) throw new PropError(`${field}.containerName`, "a container cannot wait for itself");
      if (!names.has(name))
        throw new PropError(`${field}.containerName`, `"${name}" is no container of the task`);
      const isApp = name === context.appName;
      const target = byName.get(name);
      if (dependency.condition === "HEALTHY" && !(isApp ? context.appHasHealthCheck : target?.healthCheck)) {
        throw new PropError(`${field}.condition`, `HEALTHY needs a health check on "${name}"`);
      }
      if (
        (dependency.condition === "COMPLETE" || dependency.condition === "SUCCESS") &&
        (isApp || target?.essential)
      ) {
        throw new PropError(
          `${field}.condition`,
          `${dependency.condition} cannot wait for an essential container ("${name}"); make it essential: false`,
        );
      }
    });
  };
  checkDependencies(context.appName, context.appDependsOn ?? [], `${f}.containerDependsOn`);
  for (const [i, s] of sidecars.entries())
    checkDependencies(s.name, s.dependsOn ?? [], `${f}.sidecars[${i}].dependsOn`);
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (visiting.has(name)) {
      throw new PropError(
        `${f}.sidecars`,
        `the containers wait for each other in a cycle: ${[...path, name].join(" → ")}`,
      );
    }
    visiting.add(name);
    for (const next of graph.get(name) ?? []) visit(next, [...path, name]);
    visiting.delete(name);
    done.add(name);
  };
  for (const name of graph.keys()) visit(name, []);

  // Reservations must leave room for the application container.
  const sum = (values: Array<number | undefined>) => values.reduce<number>((total, v) => total + (v ?? 0), 0);
  const cpu = sum(sidecars.map((s) => s.cpu));
  const memory = sum(sidecars.map((s) => s.memoryReservationMiB ?? s.memoryMiB));
  const known = (...values: unknown[]) => values.every((v) => v !== undefined && !Token.isUnresolved(v));
  if (known(context.taskCpu, cpu) && cpu >= (context.taskCpu as number)) {
    throw new PropError(
      `${f}.sidecars`,
      `the sidecars reserve ${cpu} CPU units, the whole task's ${context.taskCpu}; leave some for the application`,
    );
  }
  if (known(context.taskMemoryMiB, memory) && memory >= (context.taskMemoryMiB as number)) {
    throw new PropError(
      `${f}.sidecars`,
      `the sidecars reserve ${memory} MiB, the whole task's ${context.taskMemoryMiB}; leave some for the application`,
    );
  }
  sidecars.forEach((s, i) => {
    if (
      s.memoryMiB !== undefined &&
      s.memoryReservationMiB !== undefined &&
      s.memoryReservationMiB > s.memoryMiB
    ) {
      throw new PropError(`${f}.sidecars[${i}].memoryReservationMiB`, "must not exceed memoryMiB");
    }
  });
}

function assertNoCredential(value: string, field: string): void {
  for (const [pattern, what] of SECRET_VALUES) {
    if (pattern.test(value))
      throw new PropError(field, `must not contain ${what}; log options are stored in plain text`);
  }
}

/** The name of the writable volume mounted at `path` in sidecar `name`. */
export function sidecarVolumeName(name: string, path: string): string {
  const suffix = path === "/tmp" ? "tmp" : path.replace(/^\//, "").replace(/[^A-Za-z0-9_-]/g, "-");
  return `${name}-${suffix}`.slice(0, 255);
}

/** The writable task-storage volumes of a sidecar (`/tmp` and its `writablePaths`), volume name → path. */
export function sidecarVolumes(sidecar: SidecarProps): Record<string, string> {
  return Object.fromEntries(
    ["/tmp", ...(sidecar.writablePaths ?? [])].map((path) => [sidecarVolumeName(sidecar.name, path), path]),
  );
}

/** A container's `logConfiguration`: awslogs to the service's log group, or awsfirelens with its options. */
export function logConfiguration(
  logging: ContainerLogging | undefined,
  awslogs: { logGroup: string; region: string; streamPrefix: string },
): Record<string, unknown> {
  if (logging !== undefined && logging !== "awslogs") {
    return { logDriver: "awsfirelens", options: { ...logging.firelens } };
  }
  return {
    logDriver: "awslogs",
    options: {
      "awslogs-group": awslogs.logGroup,
      "awslogs-region": awslogs.region,
      "awslogs-stream-prefix": awslogs.streamPrefix,
      // A slow CloudWatch must not block the container's writes to stdout.
      mode: "non-blocking",
      "max-buffer-size": "25m",
    },
  };
}

/**
 * `dependsOn` with the FireLens router started first when the container logs through it (ECS
 * buffers nothing for a router that is not up yet).
 */
export function withRouterDependency(
  dependsOn: readonly ContainerDependency[] | undefined,
  logging: ContainerLogging | undefined,
  router: string | undefined,
): ContainerDependency[] {
  const list = [...(dependsOn ?? [])];
  if (
    router &&
    logging !== undefined &&
    logging !== "awslogs" &&
    !list.some((d) => d.containerName === router)
  ) {
    list.push({ containerName: router, condition: "START" });
  }
  return list;
}

/** One sidecar's container definition, in the ECS API's shape, hardened like the application's. */
export function sidecarDefinition(
  sidecar: SidecarProps,
  context: { logGroup: string; region: string; router?: string },
): Record<string, unknown> {
  const dependsOn = withRouterDependency(sidecar.dependsOn, sidecar.logging, context.router);
  const check = sidecar.healthCheck;
  return {
    name: sidecar.name,
    image: sidecar.image,
    essential: sidecar.essential ?? false,
    ...(sidecar.entryPoint ? { entryPoint: [...sidecar.entryPoint] } : {}),
    ...(sidecar.command ? { command: [...sidecar.command] } : {}),
    ...(sidecar.cpu !== undefined ? { cpu: sidecar.cpu } : {}),
    ...(sidecar.memoryMiB !== undefined ? { memory: sidecar.memoryMiB } : {}),
    ...(sidecar.memoryReservationMiB !== undefined
      ? { memoryReservation: sidecar.memoryReservationMiB }
      : {}),
    ...(sidecar.portMappings?.length
      ? {
          portMappings: sidecar.portMappings.map((p) => ({
            containerPort: p.containerPort,
            hostPort: p.containerPort,
            protocol: p.protocol ?? "tcp",
          })),
        }
      : {}),
    environment: Object.entries(sidecar.environment ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    secrets: Object.entries(sidecar.secrets ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, secret]) => ({ name, valueFrom: secretValueFrom(secret) })),
    user: sidecar.user ?? "1000:1000",
    readonlyRootFilesystem: true,
    privileged: false,
    linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
    mountPoints: Object.entries(sidecarVolumes(sidecar)).map(([volume, path]) => ({
      sourceVolume: volume,
      containerPath: path,
      readOnly: false,
    })),
    ...(dependsOn.length ? { dependsOn } : {}),
    ...(check
      ? {
          healthCheck: {
            command: [...check.command],
            interval: check.intervalSeconds ?? 15,
            timeout: check.timeoutSeconds ?? 5,
            retries: check.retries ?? 3,
            startPeriod: check.startPeriodSeconds ?? 30,
          },
        }
      : {}),
    ...(sidecar.firelensConfiguration
      ? {
          firelensConfiguration: {
            type: sidecar.firelensConfiguration.type,
            ...(sidecar.firelensConfiguration.options
              ? { options: { ...sidecar.firelensConfiguration.options } }
              : {}),
          },
        }
      : {}),
    logConfiguration: logConfiguration(sidecar.logging, {
      logGroup: context.logGroup,
      region: context.region,
      streamPrefix: sidecar.name,
    }),
  };
}
