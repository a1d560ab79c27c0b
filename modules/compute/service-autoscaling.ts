/** Target-tracking autoscaling of a `FargateService`'s task count. */
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { conditional, Op, Token } from "cdktf";
import type { Construct } from "constructs";
import type { Naming } from "../naming/naming.js";
import { atPlan, attribute, countIfSet } from "./at-plan.js";
import type { FargateAutoscalingProps } from "./fargate-service-props.js";

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
