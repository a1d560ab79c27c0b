/**
 * A `FargateService`'s props with their defaults applied, checked before any resource exists: a
 * value AWS would refuse at apply time, or one that is unsafe, fails at synth naming its field.
 * Props given as Terraform references (a Terraform module's variables) are let through: the
 * module's variables carry the same rules, in the same words (the constants below).
 */
import { Token } from "cdktf";
import { assertManagedPolicyArn } from "../iam/policy.js";
import { assertLogRetention } from "../logs/retention.js";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange, type IntegerRange, oneOfRule } from "../validation/validators.js";
import { atPlan, attribute } from "./at-plan.js";
import { assertCapacityProviderStrategy, CPU_ARCHITECTURES, type CpuArchitecture } from "./capacity.js";
import { assertPlainEnvironment, assertSecrets } from "./environment.js";
import type { FargateServiceProps } from "./fargate-service-props.js";
import { assertFargateTaskSize } from "./task-size.js";

/** An image tag: letters, digits, `_`, `.` and `-`, at most 128, not starting with `.` or `-`. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** An image digest. */
export const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;
/** What `imageTag` must be. */
export const IMAGE_TAG_RULE =
  "must be an image tag (letters, digits, _ . -; at most 128 characters) or a sha256: digest";
/** Why `latest` is refused. */
export const LATEST_TAG_RULE =
  '"latest" names no particular image; deploy an immutable tag such as the commit SHA';
/** Why a service needs a subnet. */
export const SUBNETS_RULE = "give at least one subnet";
/** The ports a container without root and capabilities can bind. */
export const CONTAINER_PORT_RANGE: IntegerRange = { min: 1024, max: 65535 };
/** What `containerPort` must be. */
export const CONTAINER_PORT_RULE = "must be 1024–65535 (the container runs as non-root without capabilities)";
/** A health check path the check script can embed safely. */
export const HEALTH_CHECK_PATH = /^\/[A-Za-z0-9._~/-]*$/;
/** What `healthCheckPath` must be. */
export const HEALTH_CHECK_PATH_RULE = "must be a path such as /healthz (letters, digits, / . _ ~ -)";
/** `uid[:gid]` or a user name. */
export const CONTAINER_USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
/** What `user` must look like. */
export const CONTAINER_USER_RULE = "must be uid[:gid] or a user name";
/** The users that are root. */
export const ROOT_USERS: readonly string[] = ["0", "root"];
/** Why root is refused. */
export const NOT_ROOT_RULE =
  "must not be root (uid 0 or root); run as the image's unprivileged user (e.g. 1000:1000)";
/** Fargate's bounds on `stopTimeout`. */
export const STOP_TIMEOUT_RANGE: IntegerRange = { min: 2, max: 120 };
/** Tasks a service without autoscaling may run. */
export const DESIRED_COUNT_RANGE: IntegerRange = { min: 0, max: 1000 };
/** Bounds of `autoscaling.minCount` (and of `maxCount`, from `minCount`). */
export const SCALING_COUNT_RANGE: IntegerRange = { min: 1, max: 1000 };
/** What `autoscaling.cpuTargetPercent` must be. */
export const CPU_TARGET_RULE = "must be above 0 and at most 100";
/** What `autoscaling.requestsPerTarget` must be. */
export const REQUESTS_PER_TARGET_RULE = "must be above 0";
/** Why request-count scaling needs the label. */
export const REQUESTS_NEED_LABEL_RULE =
  "needs loadBalancer.requestCountResourceLabel to know which target group to count";
/** Bounds of `deploymentMinHealthyPercent`. */
export const MIN_HEALTHY_PERCENT_RANGE: IntegerRange = { min: 0, max: 100 };
/** Bounds of `deploymentMaxPercent`. */
export const MAX_PERCENT_RANGE: IntegerRange = { min: 100, max: 200 };
/** Why the maximum must exceed the minimum. */
export const DEPLOYMENT_ROOM_RULE =
  "must be above the minimum healthy percent, or a deployment has no room to start new tasks";
/** Bounds of `loadBalancer.healthCheckGracePeriodSeconds`. */
export const GRACE_PERIOD_RANGE: IntegerRange = { min: 0, max: 2_147_483_647 };
/** `<load balancer arn_suffix>/<target group arn_suffix>`. */
export const REQUEST_COUNT_LABEL = /^app\/[^/]+\/[^/]+\/targetgroup\/[^/]+\/[^/]+$/;
/** What `loadBalancer.requestCountResourceLabel` must be. */
export const REQUEST_COUNT_LABEL_RULE =
  "must be app/<alb>/<id>/targetgroup/<tg>/<id> (the two arn_suffix values joined by /)";

/** The values a service is built with, defaults applied. */
export interface ServiceSettings {
  /** The service's name: the container's, and the last part of its resources' names. */
  readonly name: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: CpuArchitecture;
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
export function serviceSettings(props: FargateServiceProps): ServiceSettings {
  const f = "compute.service";
  const wholeIn = (value: number, range: IntegerRange, field: string) =>
    assertIntegerInRange(value, `${f}.${field}`, range);
  const known = (...values: unknown[]) => values.every((value) => !Token.isUnresolved(value));

  const cpu = props.cpu ?? 256;
  const memoryMiB = props.memoryMiB ?? 512;
  assertFargateTaskSize(cpu, memoryMiB, f);
  const cpuArchitecture = props.cpuArchitecture ?? "X86_64";
  if (known(cpuArchitecture) && !CPU_ARCHITECTURES.includes(cpuArchitecture)) {
    throw new PropError(`${f}.cpuArchitecture`, `"${cpuArchitecture}" ${oneOfRule(CPU_ARCHITECTURES)}`);
  }
  if (props.capacityProviderStrategy !== undefined) {
    assertCapacityProviderStrategy(
      props.capacityProviderStrategy,
      `${f}.capacityProviderStrategy`,
      known(cpuArchitecture) ? cpuArchitecture : undefined,
    );
  }

  if (!Token.isUnresolved(props.imageTag)) {
    if (props.imageTag === "latest") throw new PropError(`${f}.imageTag`, LATEST_TAG_RULE);
    if (!IMAGE_TAG.test(props.imageTag) && !IMAGE_DIGEST.test(props.imageTag)) {
      throw new PropError(`${f}.imageTag`, `"${props.imageTag}" ${IMAGE_TAG_RULE}`);
    }
  }
  if (props.subnetIds.length === 0) throw new PropError(`${f}.subnetIds`, SUBNETS_RULE);

  const containerPort = props.containerPort ?? 3000;
  if (
    known(containerPort) &&
    (!Number.isInteger(containerPort) ||
      containerPort < CONTAINER_PORT_RANGE.min ||
      containerPort > (CONTAINER_PORT_RANGE.max as number))
  ) {
    throw new PropError(`${f}.containerPort`, `${containerPort} ${CONTAINER_PORT_RULE}`);
  }
  const healthCheckPath = props.healthCheckPath ?? "/healthz";
  if (known(healthCheckPath) && !HEALTH_CHECK_PATH.test(healthCheckPath)) {
    throw new PropError(`${f}.healthCheckPath`, `"${healthCheckPath}" ${HEALTH_CHECK_PATH_RULE}`);
  }
  const user = props.user ?? "1000:1000";
  if (known(user) && !CONTAINER_USER.test(user)) {
    throw new PropError(`${f}.user`, `"${user}" ${CONTAINER_USER_RULE}`);
  }
  if (known(user) && ROOT_USERS.includes(user.split(":")[0] as string)) {
    throw new PropError(`${f}.user`, `"${user}" ${NOT_ROOT_RULE}`);
  }
  const stopTimeoutSeconds = props.stopTimeoutSeconds ?? 30;
  wholeIn(stopTimeoutSeconds, STOP_TIMEOUT_RANGE, "stopTimeoutSeconds");
  const logRetentionDays = props.logRetentionDays ?? 30;
  assertLogRetention(logRetentionDays, `${f}.logRetentionDays`);

  const environment = props.environment ?? {};
  if (known(environment)) assertPlainEnvironment(environment, `${f}.environment`);
  if (known(environment, props.secrets)) assertSecrets(props.secrets ?? {}, environment, `${f}.secrets`);
  const migrationEnvironment = Object.fromEntries(
    Object.entries(props.migration?.environment ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  assertPlainEnvironment(migrationEnvironment, `${f}.migration.environment`);
  for (const name of Object.keys(migrationEnvironment)) {
    if (props.secrets?.[name])
      throw new PropError(`${f}.migration.environment.${name}`, "also injected as a secret");
  }

  const deploymentMinHealthyPercent = props.deploymentMinHealthyPercent ?? 100;
  const deploymentMaxPercent = props.deploymentMaxPercent ?? 200;
  wholeIn(deploymentMinHealthyPercent, MIN_HEALTHY_PERCENT_RANGE, "deploymentMinHealthyPercent");
  wholeIn(deploymentMaxPercent, MAX_PERCENT_RANGE, "deploymentMaxPercent");
  if (
    known(deploymentMinHealthyPercent, deploymentMaxPercent) &&
    deploymentMaxPercent <= deploymentMinHealthyPercent
  ) {
    throw new PropError(
      `${f}.deploymentMaxPercent`,
      `${deploymentMaxPercent} ${DEPLOYMENT_ROOM_RULE} (deploymentMinHealthyPercent ${deploymentMinHealthyPercent})`,
    );
  }

  // A load balancer or autoscaling given as a reference (a module's variable, possibly null) is
  // read attribute by attribute at plan; its variables carry these checks.
  const lb = props.loadBalancer;
  const lbAtPlan = atPlan(lb);
  const healthCheckGracePeriodSeconds = lbAtPlan
    ? (attribute(lb, "healthCheckGracePeriodSeconds") as number)
    : (lb?.healthCheckGracePeriodSeconds ?? 60);
  wholeIn(healthCheckGracePeriodSeconds, GRACE_PERIOD_RANGE, "loadBalancer.healthCheckGracePeriodSeconds");
  const label = lbAtPlan ? undefined : lb?.requestCountResourceLabel;
  if (label !== undefined && known(label) && !REQUEST_COUNT_LABEL.test(label)) {
    throw new PropError(
      `${f}.loadBalancer.requestCountResourceLabel`,
      `"${label}" ${REQUEST_COUNT_LABEL_RULE}`,
    );
  }

  if (props.permissionsBoundaryArn !== undefined) {
    assertManagedPolicyArn(props.permissionsBoundaryArn, `${f}.permissionsBoundaryArn`);
  }

  if (props.migration && props.migration.command.length === 0) {
    throw new PropError(`${f}.migration.command`, "give the command that applies migrations");
  }

  const scaling = props.autoscaling;
  if (atPlan(scaling)) {
    return {
      ...common(),
      desiredCount: props.desiredCount ?? (attribute(scaling, "minCount") as number),
      cpuTargetPercent: attribute(scaling, "cpuTargetPercent") as number,
      requestsPerTarget: attribute(scaling, "requestsPerTarget") as number,
    };
  }
  const desiredCount = props.desiredCount ?? scaling?.minCount ?? 1;
  const cpuTargetPercent = scaling?.cpuTargetPercent ?? 60;
  const requestsPerTarget = scaling?.requestsPerTarget ?? 500;
  if (scaling) {
    wholeIn(scaling.minCount, SCALING_COUNT_RANGE, "autoscaling.minCount");
    wholeIn(scaling.maxCount, { ...SCALING_COUNT_RANGE, min: scaling.minCount }, "autoscaling.maxCount");
    wholeIn(desiredCount, { min: scaling.minCount, max: scaling.maxCount }, "desiredCount");
    if (known(cpuTargetPercent) && !(cpuTargetPercent > 0 && cpuTargetPercent <= 100)) {
      throw new PropError(`${f}.autoscaling.cpuTargetPercent`, `${cpuTargetPercent} ${CPU_TARGET_RULE}`);
    }
    if (known(requestsPerTarget) && !(requestsPerTarget > 0)) {
      throw new PropError(
        `${f}.autoscaling.requestsPerTarget`,
        `${requestsPerTarget} ${REQUESTS_PER_TARGET_RULE}`,
      );
    }
    if (scaling.requestsPerTarget !== undefined && label === undefined && !lbAtPlan) {
      throw new PropError(`${f}.autoscaling.requestsPerTarget`, REQUESTS_NEED_LABEL_RULE);
    }
  } else {
    wholeIn(desiredCount, DESIRED_COUNT_RANGE, "desiredCount");
  }

  return { ...common(), desiredCount, cpuTargetPercent, requestsPerTarget };

  function common() {
    return {
      name: props.name ?? "app",
      cpu,
      memoryMiB,
      cpuArchitecture,
      containerPort,
      healthCheckPath,
      user,
      stopTimeoutSeconds,
      logRetentionDays,
      assignPublicIp: props.assignPublicIp ?? false,
      deploymentMinHealthyPercent,
      deploymentMaxPercent,
      healthCheckGracePeriodSeconds,
    };
  }
}
