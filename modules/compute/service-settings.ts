/**
 * A `FargateService`'s props with their defaults applied, checked before any resource exists: a
 * value AWS would refuse at apply time, or one that is unsafe, fails at synth naming its field.
 */
import { Token } from "cdktf";
import { assertManagedPolicyArn } from "../iam/policy.js";
import { assertLogRetention } from "../logs/retention.js";
import { PropError } from "../validation/prop-error.js";
import { assertPlainEnvironment, assertSecrets } from "./environment.js";
import type { FargateServiceProps } from "./fargate-service-props.js";
import { assertFargateTaskSize } from "./task-size.js";

/** The values a service is built with, defaults applied. */
export interface ServiceSettings {
  /** The service's name: the container's, and the last part of its resources' names. */
  readonly name: string;
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
export function serviceSettings(props: FargateServiceProps): ServiceSettings {
  const f = "compute.service";
  const wholeIn = (value: number, min: number, max: number, field: string) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new PropError(`${f}.${field}`, `${value} must be a whole number from ${min} to ${max}`);
    }
  };

  const cpu = props.cpu ?? 256;
  const memoryMiB = props.memoryMiB ?? 512;
  assertFargateTaskSize(cpu, memoryMiB, f);

  if (!Token.isUnresolved(props.imageTag)) {
    if (props.imageTag === "latest") {
      throw new PropError(
        `${f}.imageTag`,
        '"latest" names no particular image; deploy an immutable tag such as the commit SHA',
      );
    }
    if (
      !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(props.imageTag) &&
      !/^sha256:[a-f0-9]{64}$/.test(props.imageTag)
    ) {
      throw new PropError(`${f}.imageTag`, `"${props.imageTag}" is not an image tag or a sha256: digest`);
    }
  }
  if (props.subnetIds.length === 0) throw new PropError(`${f}.subnetIds`, "give at least one subnet");

  const containerPort = props.containerPort ?? 3000;
  if (!Number.isInteger(containerPort) || containerPort < 1024 || containerPort > 65535) {
    throw new PropError(
      `${f}.containerPort`,
      `${containerPort} must be 1024–65535 (the container runs as non-root without capabilities)`,
    );
  }
  const healthCheckPath = props.healthCheckPath ?? "/healthz";
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(healthCheckPath)) {
    throw new PropError(
      `${f}.healthCheckPath`,
      `"${healthCheckPath}" must be a path such as /healthz (letters, digits, / . _ ~ -)`,
    );
  }
  const user = props.user ?? "1000:1000";
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/.test(user)) {
    throw new PropError(`${f}.user`, `"${user}" must be uid[:gid] or a user name`);
  }
  if (["0", "root"].includes(user.split(":")[0] as string)) {
    throw new PropError(
      `${f}.user`,
      `"${user}" is root; run as the image's unprivileged user (e.g. 1000:1000)`,
    );
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
      throw new PropError(`${f}.migration.environment.${name}`, "also injected as a secret");
  }

  const deploymentMinHealthyPercent = props.deploymentMinHealthyPercent ?? 100;
  const deploymentMaxPercent = props.deploymentMaxPercent ?? 200;
  wholeIn(deploymentMinHealthyPercent, 0, 100, "deploymentMinHealthyPercent");
  wholeIn(deploymentMaxPercent, 100, 200, "deploymentMaxPercent");
  if (deploymentMaxPercent <= deploymentMinHealthyPercent) {
    throw new PropError(
      `${f}.deploymentMaxPercent`,
      `${deploymentMaxPercent} leaves no room to deploy above deploymentMinHealthyPercent ${deploymentMinHealthyPercent}; raise it or lower the minimum`,
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
    throw new PropError(
      `${f}.loadBalancer.requestCountResourceLabel`,
      `"${label}" must be app/<alb>/<id>/targetgroup/<tg>/<id> (the two arn_suffix values joined by /)`,
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
      throw new PropError(
        `${f}.autoscaling.cpuTargetPercent`,
        `${cpuTargetPercent} must be above 0 and at most 100`,
      );
    }
    if (!(requestsPerTarget > 0)) {
      throw new PropError(`${f}.autoscaling.requestsPerTarget`, `${requestsPerTarget} must be above 0`);
    }
    if (scaling.requestsPerTarget !== undefined && label === undefined) {
      throw new PropError(
        `${f}.autoscaling.requestsPerTarget`,
        "needs loadBalancer.requestCountResourceLabel to know which target group to count",
      );
    }
  } else {
    wholeIn(desiredCount, 0, 1000, "desiredCount");
  }

  if (props.permissionsBoundaryArn !== undefined) {
    assertManagedPolicyArn(props.permissionsBoundaryArn, `${f}.permissionsBoundaryArn`);
  }

  if (props.migration && props.migration.command.length === 0) {
    throw new PropError(`${f}.migration.command`, "give the command that applies migrations");
  }

  return {
    name: props.name ?? "app",
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
