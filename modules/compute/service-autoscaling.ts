/** Target-tracking autoscaling of a `FargateService`'s task count. */
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { conditional, Op, Token } from "cdktf";
import type { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import { PropError } from "../validation/prop-error.js";
import { assertIntegerInRange } from "../validation/validators.js";
import { atPlan, attribute, countIfSet } from "./at-plan.js";
import type { FargateAutoscalingProps, FargateScalingSchedule } from "./fargate-service-props.js";
import { assertScheduleExpression, assertTimezone } from "./scheduled-task.js";

/** What a scaling schedule's name must be (it becomes part of the action's name). */
export const SCALING_SCHEDULE_NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

/**
 * Throws, naming the field, on a scaling schedule Application Auto Scaling would refuse: a bad
 * name or expression, a duplicate name, counts out of range (0 allowed: scale to zero).
 */
export function assertScalingSchedules(schedules: readonly FargateScalingSchedule[], field: string): void {
  const names = new Set<string>();
  schedules.forEach((schedule, i) => {
    const at = `${field}[${i}]`;
    if (!SCALING_SCHEDULE_NAME.test(schedule.name)) {
      throw new PropError(
        `${at}.name`,
        `"${schedule.name}" must be 1–32 lowercase letters, digits and hyphens`,
      );
    }
    if (names.has(schedule.name)) throw new PropError(`${at}.name`, `"${schedule.name}" is given twice`);
    names.add(schedule.name);
    assertScheduleExpression(schedule.schedule, `${at}.schedule`);
    assertTimezone(schedule.timezone ?? "UTC", `${at}.timezone`);
    assertIntegerInRange(schedule.minCount, `${at}.minCount`, { min: 0, max: 1000 });
    assertIntegerInRange(schedule.maxCount, `${at}.maxCount`, { min: schedule.minCount, max: 1000 });
  });
}

/** What `addTargetTrackingScaling` scales, and on what. */
export interface ServiceScalingProps {
  readonly naming: Naming;
  /** The service's name: the policies are `<project>-<env>-<name>-cpu` and `-requests`. */
  readonly name: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** The scaling range; a reference to an object of the same shape, or `null`, when decided at plan. */
  readonly scaling: FargateAutoscalingProps;
  /** `scaling.cpuTargetPercent`, defaults applied. */
  readonly cpuTargetPercent: number;
  /** `scaling.requestsPerTarget`, defaults applied. */
  readonly requestsPerTarget: number;
  /** Scales on ALB requests per task too, when given (when `scaling` is a reference: when not null). */
  readonly requestCountResourceLabel?: string;
}

/**
 * Scales the service between `minCount` and `maxCount` tasks, tracking average CPU and, with a
 * request-count label, ALB requests per task: out within a minute, in after five.
 */
export function addTargetTrackingScaling(scope: Construct, props: ServiceScalingProps): AppautoscalingTarget {
  const { naming, name } = props;
  // Scaling given as a reference (a module's variable) exists only when it is not null: the target
  // and its policies are counted, and the policies name the target's values rather than its
  // attributes (a counted resource has no single instance to refer to).
  const decided = atPlan(props.scaling);
  const scaling = props.scaling;
  // No role_arn: Application Auto Scaling uses its ECS service-linked role.
  const target = new AppautoscalingTarget(scope, "scaling-target", {
    ...(decided ? { count: countIfSet(scaling) } : {}),
    serviceNamespace: "ecs",
    scalableDimension: "ecs:service:DesiredCount",
    resourceId: `service/${props.clusterName}/${props.serviceName}`,
    minCapacity: decided ? (attribute(scaling, "minCount") as number) : scaling.minCount,
    maxCapacity: decided ? (attribute(scaling, "maxCount") as number) : scaling.maxCount,
  });
  const onTarget = decided
    ? {
        policyType: "TargetTrackingScaling",
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: `service/${props.clusterName}/${props.serviceName}`,
        count: countIfSet(scaling),
        dependsOn: [target],
      }
    : {
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
      };
  new AppautoscalingPolicy(scope, "scale-on-cpu", {
    name: naming.name(`${name}-cpu`),
    ...onTarget,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: props.cpuTargetPercent,
      predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
      scaleOutCooldown: 60,
      scaleInCooldown: 300,
    },
  });
  // Scheduled changes of the range, on the same target (only for scaling known at synth).
  if (!decided) {
    // One after another: Application Auto Scaling refuses concurrent changes to one target's actions.
    let previous: AppautoscalingScheduledAction | undefined;
    for (const schedule of scaling.schedules ?? []) {
      previous = new AppautoscalingScheduledAction(scope, `schedule-${schedule.name}`, {
        ...(previous ? { dependsOn: [previous] } : {}),
        name: naming.name(`${name}-${schedule.name}`),
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        schedule: schedule.schedule,
        timezone: schedule.timezone ?? "UTC",
        scalableTargetAction: {
          minCapacity: String(schedule.minCount),
          maxCapacity: String(schedule.maxCount),
        },
      });
    }
  }
  if (props.requestCountResourceLabel) {
    const label = props.requestCountResourceLabel;
    new AppautoscalingPolicy(scope, "scale-on-requests", {
      name: naming.name(`${name}-requests`),
      ...onTarget,
      ...(decided
        ? {
            count: Token.asNumber(
              conditional(Op.or(Op.eq(scaling, Token.nullValue()), Op.eq(label, Token.nullValue())), 0, 1),
            ),
          }
        : {}),
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.requestsPerTarget,
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: props.requestCountResourceLabel,
        },
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
      },
    });
  }
  return target;
}
